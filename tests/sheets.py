"""Spreadsheets made by the tests, shaped like the ones staff keep."""

import csv
import io
import unicodedata

from openpyxl import Workbook


def xlsx(rows, merges=(), formulas=None):
    """An XLSX file from rows of cells; `merges` like "A3:A4"; `formulas` {"F5": "=SUM(C5:E5)"} without results."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    for cell, formula in (formulas or {}).items():
        sheet[cell] = formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8-sig", delimiter=","):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    return windows_1258(text) if encoding == "cp1258" else text.encode(encoding)


def windows_1258(text):
    """Text as Vietnamese Windows writes it: letters like "ơ" precomposed, tone marks as combining characters."""
    encoded = bytearray()
    for char in text:
        try:
            encoded += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in "\u0302\u0306\u031b"))
            encoded += letter.encode("cp1258") + "".join(m for m in marks if m not in "\u0302\u0306\u031b").encode(
                "cp1258")
    return bytes(encoded)


def ods(rows):
    import tablib

    dataset = tablib.Dataset(*rows[1:], headers=rows[0])
    return dataset.export("ods")


# Rows of the province's sheet below its headers: agency, 1.1, 1.2, 2.1.1, 2.1.2, total.
PROVINCE_ROWS = [
    ["Sở Tài chính", "19,5", 18, "15.25", "20", "72,75"],
    ["so xay dung", 10, None, 12, 11.5, "33,5"],
]


def province_sheet(rows_of_scores, title=True):
    """The province's own shape: a title, a blank line, merged two-line headers, STT, decimal commas, a total."""
    rows = []
    if title:
        rows += [["BẢNG TỔNG HỢP ĐIỂM ĐÁNH GIÁ MỨC ĐỘ CHÍNH QUYỀN ĐIỆN TỬ NĂM 2019"], []]
    rows += [
        ["STT", "Tên cơ quan, đơn vị", "Hạ tầng kỹ thuật CNTT", None, "Ứng dụng CNTT", None, "Tổng điểm"],
        [None, None, "1.1", "1.2", "2.1.1", "2.1.2", None],
    ]
    rows += [[number, *row] for number, row in enumerate(rows_of_scores, start=1)]
    first_header = len(rows) - len(rows_of_scores) - 1
    merges = [f"A{first_header}:A{first_header + 1}", f"B{first_header}:B{first_header + 1}",
              f"C{first_header}:D{first_header}", f"E{first_header}:F{first_header}",
              f"G{first_header}:G{first_header + 1}"]
    return xlsx(rows, merges)
