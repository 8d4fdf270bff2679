"""A corpus of hostile and broken files, all made here: each is refused with a clear message (or, where it
makes sense, read correctly), never a crash, and a checksum of the scores table proves nothing changed."""

import hashlib
import io
import re
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from imports.importing import apply_import
from imports.problems import SheetError
from rankings.models import Score
from tests import sheets
from tests.sheets import PROVINCE_ROWS

pytestmark = pytest.mark.django_db

HEADER = ["Tên cơ quan", "1.1", "1.2"]


def checksum():
    rows = Score.objects.order_by("agency_id", "criterion_id").values_list("agency_id", "criterion_id", "value")
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def workbook_bytes(build):
    workbook = Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rezip(content, replace):
    """The same XLSX with some of its parts' XML rewritten by `replace(name, text)`."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, replace(info.filename, source.read(info.filename)))
    return buffer.getvalue()


def bomb():
    """A zip of a few hundred kilobytes that unpacks to a gigabyte."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(1024):
                part.write(chunk)
    return buffer.getvalue()


def million_row_dimension():
    content = sheets.xlsx([HEADER, ["Sở Y tế", 1, 2]])
    dimension = re.compile(rb'<dimension ref="[^"]+"')
    claimed = rezip(content, lambda name, xml: dimension.sub(b'<dimension ref="A1:XFD1048576"', xml)
                    if name.endswith("sheet1.xml") else xml)
    assert b'ref="A1:XFD1048576"' in zipfile.ZipFile(io.BytesIO(claimed)).read("xl/worksheets/sheet1.xml")
    return claimed


def cell_at_a_million_rows():
    def build(workbook):
        workbook.active.append(HEADER)
        workbook.active["A1000000"] = "Sở Y tế"
    return workbook_bytes(build)


def entity_bomb():
    """The "billion laughs": entities that expand to a billion characters in the sheet's XML."""
    content = sheets.xlsx([HEADER, ["Sở Y tế", 1, 2]])
    entities = [b'<!ENTITY lol "lol">'] + [
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%s;" % (b"" if n == 2 else b"%d" % (n - 1))) * 10) for n in range(2, 10)
    ]
    doctype = b"<!DOCTYPE lolz [" + b"".join(entities) + b"]>"

    # The name as openpyxl writes it: in UTF-8, or in character references where it writes with lxml.
    name_written = ("Sở Y tế".encode(), "Sở Y tế".encode("ascii", "xmlcharrefreplace"))

    def poison(name, xml):
        found = next((form for form in name_written if form in xml), None)
        if found is None:
            return xml
        declaration, _, body = xml.partition(b"?>") if xml.startswith(b"<?xml") else (b"", b"", xml)
        return declaration + (b"?>" if declaration else b"") + doctype + body.replace(found, b"&lol9;")

    poisoned = rezip(content, poison)
    assert any(b"&lol9;" in zipfile.ZipFile(io.BytesIO(poisoned)).read(name)
               for name in zipfile.ZipFile(io.BytesIO(poisoned)).namelist())
    return poisoned


def every_cell_merged():
    def build(workbook):
        for row in [HEADER, ["Sở Y tế", 1, 2]]:
            workbook.active.append(row)
        workbook.active.merge_cells("A1:Z200")
    return workbook_bytes(build)


def hidden_first_sheet_then_scores():
    def build(workbook):
        hidden = workbook.active
        hidden.title = "tra cứu"
        hidden.append(["không phải bảng điểm"])
        hidden.sheet_state = "hidden"
        scores = workbook.create_sheet("Điểm")
        for row in [HEADER, ["Sở Y tế", "1,5", 2]]:
            scores.append(row)
        workbook.create_sheet("Ghi chú").append(["ghi chú"])
    return workbook_bytes(build)


HOSTILE = {
    # name: (content, file name, a fragment of the English message)
    "truncated XLSX": (sheets.xlsx([HEADER, ["Sở Y tế", 1, 2]])[:700], "cat.xlsx", "not a valid XLSX"),
    "zip that is not a workbook": (
        (lambda b: (zipfile.ZipFile(b, "w").writestr("readme.txt", "hello"), b.getvalue())[1])(io.BytesIO()),
        "zip.xlsx", "not a valid XLSX"),
    "a cell at row one million": (cell_at_a_million_rows(), "far.xlsx", "more than"),
    "compressed bomb": (bomb(), "bomb.xlsx", "unpacks to more data"),
    "XML entity bomb": (entity_bomb(), "lol.xlsx", "not a valid XLSX"),
    "HTML saved as .xls": ("<html><table><tr><td>Sở Y tế</td></tr></table></html>".encode(), "bang.xls",
                           "XLSX, ODS or CSV"),
    "HTML saved as .xlsx": (b"<html><table><tr><td>1</td></tr></table></html>", "bang.xlsx", "not a valid XLSX"),
    "PDF renamed .ods": (b"%PDF-1.4 not a sheet", "bang.ods", "not a valid ODS"),
    "executable": (b"MZ\x90\x00\x03", "virus.exe", "XLSX, ODS or CSV"),
    "empty file": (b"", "rong.csv", "The file is empty"),
    "whitespace only CSV": (b"   \r\n\r\n", "trang.csv", "The file is empty"),
    "CSV with NUL bytes": (b"T\x00e\x00n\x00,\x001\x00", "nul.csv", "not a valid CSV"),
    "binary garbage as CSV": (bytes(range(1, 256)) * 20, "rac.csv", "not a valid CSV"),
    "text garbage as CSV": (bytes(range(32, 127)) * 50, "chu.csv", "No header row"),
    "sheet with only headers": (sheets.xlsx([HEADER]), "dau.xlsx", "no score under its header"),
    "every cell merged": (every_cell_merged(), "gop.xlsx", "No header row"),
    "formula payload as agency": (
        sheets.xlsx([HEADER, ['=HYPERLINK("http://attacker","Sở Y tế")', 1, 2]]), "link.xlsx", "No agency"),
    "formula without a stored value": (
        sheets.xlsx([HEADER, ["Sở Y tế", 1, None]], formulas={"C2": "=B2*2"}), "cong-thuc.xlsx", "formula"),
    "CSV formula payload": (sheets.csv_bytes([HEADER, ["=cmd|' /C calc'!A0", 1, 2]]), "dde.csv", "No agency"),
    "very long text": (sheets.xlsx([HEADER, ["Sở " + "A" * 30000, 1, 2]]), "dai.xlsx", "…"),
    "control characters": (sheets.csv_bytes([HEADER, ["Sở Y\x07 tế\x1b[31m", 1, 2]]), "ctrl.csv", "No agency"),
    "1.234,5 is too big": (sheets.xlsx([HEADER, ["Sở Y tế", "1.234,5", 1]]), "vn.xlsx", "above its maximum"),
    "1,234.5 is too big": (sheets.xlsx([HEADER, ["Sở Y tế", "1,234.5", 1]]), "en.xlsx", "above its maximum"),
    "NaN": (sheets.xlsx([HEADER, ["Sở Y tế", "NaN", 1]]), "nan.xlsx", "is not a number"),
    "infinity": (sheets.csv_bytes([HEADER, ["Sở Y tế", "inf", 1]]), "inf.csv", "is not a number"),
    "huge exponent": (sheets.csv_bytes([HEADER, ["Sở Y tế", "1e400", 1]]), "e.csv", "is not a number"),
    "a date where a number belongs": (
        workbook_bytes(lambda w: [w.active.append(r) for r in
                                  [HEADER, ["Sở Y tế", __import__("datetime").date(2019, 12, 31), 1]]]),
        "ngay.xlsx", "is not a number"),
    "a boolean where a number belongs": (sheets.xlsx([HEADER, ["Sở Y tế", True, 1]]), "bool.xlsx", "is not a number"),
    "negative zero and minus one": (sheets.xlsx([HEADER, ["Sở Y tế", "-0", "-1"]]), "am.xlsx", "below zero"),
    "header below row fifty": (sheets.xlsx([[None]] * 60 + [HEADER, ["Sở Y tế", 1, 2]]), "sau.xlsx", "No header row"),
    "the same criterion twice": (sheets.xlsx([["Tên cơ quan", "1.1", "Máy tính và mạng"], ["Sở Y tế", 1, 2]]),
                                 "hai.xlsx", "has two columns"),
    "UTF-16 without a byte-order mark": ("Tên cơ quan,1.1\r\nSở Y tế,1\r\n".encode("utf-16-le"), "u16.csv",
                                         "not a valid CSV"),
}

BOTH = {("Sở Y tế", "1.1"): "1.50", ("Sở Y tế", "1.2"): "2.00"}
READ_CORRECTLY = {
    # name: (content, file name, {(agency, code): value})
    "dimension claiming a million rows": (million_row_dimension(), "dim.xlsx",
                                          {("Sở Y tế", "1.1"): "1.00", ("Sở Y tế", "1.2"): "2.00"}),
    "CSV in UTF-16 with a byte-order mark": (
        ("Tên cơ quan;1.1;1.2\r\nSở Y tế;1,5;2\r\n").encode("utf-16"), "u16.csv", BOTH),
    "CSV in Windows-1258": (sheets.csv_bytes([HEADER, ["Sở Y tế", "1,5", 2]], encoding="cp1258", delimiter=";"),
                            "w1258.csv", BOTH),
    "hidden sheet first, several sheets": (hidden_first_sheet_then_scores(), "nhieu.xlsx", BOTH),
    "formula with a stored value": (
        rezip(sheets.xlsx([HEADER, ["Sở Y tế", 1, 2]]),
              lambda name, xml: xml.replace(b'<c r="C2" t="n"><v>2</v></c>', b'<c r="C2"><f>B2*2</f><v>2</v></c>')
              if name.endswith("sheet1.xml") else xml),
        "f.xlsx", {("Sở Y tế", "1.1"): "1.00", ("Sở Y tế", "1.2"): "2.00"}),
}


def import_sheet(block, content, name):
    year, group = block
    return apply_import(content=content, filename=name, year=year, agency_group=group, user=None)


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_file_is_refused_clearly_and_changes_nothing(block, case):
    content, name, fragment = HOSTILE[case]
    import_sheet(block, sheets.province_sheet(PROVINCE_ROWS), "truoc.xlsx")
    before = checksum()
    tracemalloc.start()
    try:
        with pytest.raises(SheetError) as error:
            import_sheet(block, content, name)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    english = " | ".join(p.text_in("en") for p in error.value.problems)
    assert fragment is None or fragment in english, english
    assert all(len(p.text_in("vi")) < 400 for p in error.value.problems)
    assert peak < 200 * 1024 * 1024
    assert checksum() == before


@pytest.mark.parametrize("case", READ_CORRECTLY)
def test_an_unusual_but_honest_file_is_read_correctly(block, case):
    content, name, expected = READ_CORRECTLY[case]
    if case == "formula with a stored value":
        assert b"<f>B2*2</f>" in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    import_sheet(block, content, name)
    stored = {(a, c): str(v) for a, c, v in Score.objects.values_list("agency__name", "criterion__code", "value")}
    assert stored == expected


def test_the_corpus_has_at_least_thirty_files():
    assert len(HOSTILE) + len(READ_CORRECTLY) >= 30
