"""Reading the spreadsheets that ICT staff keep: XLSX, ODS and CSV, as rows of cell values.

django-import-export's formats do the reading; these subclasses add what real sheets need: every sheet
row kept (the header is found later, below any title lines), merged cells filled with their value,
formulas without a stored value flagged, text encodings guessed, and size limits enforced before parsing.
"""

import csv
import io
import unicodedata
import zipfile

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats

from .problems import Problem, SheetError

ZIP_SIGNATURE = b"PK\x03\x04"
# A formula whose result the file does not store: the sheet was saved without calculating it.
FORMULA_WITHOUT_VALUE = object()


def limits():
    return {
        "bytes": settings.SCORE_IMPORT_MAX_BYTES,
        "rows": settings.SCORE_IMPORT_MAX_ROWS,
        "columns": settings.SCORE_IMPORT_MAX_COLUMNS,
        "unpacked_bytes": settings.SCORE_IMPORT_MAX_UNPACKED_BYTES,
    }


def not_a_spreadsheet(kind):
    return SheetError([Problem(None, None, _("The file is not a valid %(kind)s spreadsheet."), kind=kind)])


def _check_zip(content, kind):
    if not content.startswith(ZIP_SIGNATURE):
        raise not_a_spreadsheet(kind)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise not_a_spreadsheet(kind) from error
    if unpacked > limits()["unpacked_bytes"]:
        raise SheetError([Problem(None, None, _("The file unpacks to more data than a score sheet can hold."))])


def _check_rows(rows):
    if len(rows) > limits()["rows"]:
        raise SheetError([Problem(None, None, _("The sheet has more than %(limit)s rows."), limit=limits()["rows"])])
    if any(len(row) > limits()["columns"] for row in rows):
        raise SheetError([Problem(None, None, _("The sheet has more than %(limit)s columns."),
                                  limit=limits()["columns"])])


def _has_formulas(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return any(b"<f" in archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/"))


class ScoreSheetXLSX(base_formats.XLSX):
    def create_dataset(self, in_stream):
        import openpyxl

        _check_zip(in_stream, "XLSX")
        try:
            book = openpyxl.load_workbook(io.BytesIO(in_stream), data_only=True)
            # The first sheet a person sees: hidden sheets often hold lookups or old data.
            index = next(i for i, sheet in enumerate(book.worksheets) if sheet.sheet_state == "visible")
            values = book.worksheets[index]
            # A second reading, of the formulas, only for a workbook that has any.
            formulas = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True).worksheets[index] if (
                _has_formulas(in_stream)) else None
        except Exception as error:  # openpyxl (and defusedxml under it) raise many kinds of errors on a broken file
            raise not_a_spreadsheet("XLSX") from error
        if values.max_row > limits()["rows"]:
            raise SheetError([Problem(None, None, _("The sheet has more than %(limit)s rows."),
                                      limit=limits()["rows"])])
        rows = [list(row) for row in values.iter_rows(values_only=True)]
        # A merged cell keeps its value in the top-left cell only: give it to every cell of the range.
        for merged in values.merged_cells.ranges:
            value = rows[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
                for c in range(merged.min_col - 1, min(merged.max_col, len(rows[r]))):
                    rows[r][c] = value
        # Bounded by what was read: a workbook's stated dimension may claim a million rows and columns.
        width = max((len(row) for row in rows), default=0)
        formula_rows = formulas.iter_rows(values_only=True, max_row=len(rows), max_col=max(width, 1)) if (
            formulas) else ()
        for r, row in enumerate(formula_rows):
            for c, cell in enumerate(row[: len(rows[r])] if r < len(rows) else ()):
                if isinstance(cell, str) and cell.startswith("=") and rows[r][c] is None:
                    rows[r][c] = FORMULA_WITHOUT_VALUE
        _check_rows(rows)
        return rows


class ScoreSheetODS(base_formats.ODS):
    def create_dataset(self, in_stream):
        import tablib

        _check_zip(in_stream, "ODS")
        try:
            book = tablib.Databook()
            book.load(io.BytesIO(in_stream), format="ods", headers=False)
            rows = [list(row) for row in book.sheets()[0]] if book.sheets() else []
        except Exception as error:  # odfpy raises many kinds of errors on a broken file
            raise not_a_spreadsheet("ODS") from error
        _check_rows(rows)
        return rows


class ScoreSheetCSV(base_formats.CSV):
    # Tried in order: UTF-8 (with or without a byte-order mark), then Windows-1258, Vietnamese Windows.
    ENCODINGS = ("utf-8-sig", "cp1258")

    def create_dataset(self, in_stream):
        if in_stream.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = self._decode(in_stream, "utf-16")
        else:
            text = next(
                (decoded for decoded in (self._decode(in_stream, e) for e in self.ENCODINGS) if decoded is not None),
                None,
            )
        if text is None or "\x00" in text:
            raise not_a_spreadsheet("CSV")
        sample = text[:4096]
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(io.StringIO(text), dialect)
        try:
            rows = [[cell if cell.strip() else None for cell in row] for row in reader]
        except csv.Error as error:
            raise SheetError([self._csv_problem(str(error), reader.line_num)]) from error
        _check_rows(rows)
        return rows

    @staticmethod
    def _csv_problem(error, line):
        # The csv module's messages, in words a person can act on; its line count is the sheet's row.
        if "field larger than field limit" in error:
            return Problem(line, None, _("A cell holds more than %(limit)s characters."), limit=csv.field_size_limit())
        if "new-line character seen in unquoted field" in error:
            return Problem(line, None, _("A line break inside a cell that is not in quotes: save the sheet again "
                                         "as CSV from the spreadsheet program."))
        return Problem(line, None, _("The file is not a valid %(kind)s spreadsheet."), kind="CSV")

    @staticmethod
    def _decode(content, encoding):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            return None


FORMATS = {".xlsx": ScoreSheetXLSX, ".ods": ScoreSheetODS, ".csv": ScoreSheetCSV}


def read_rows(content: bytes, filename: str) -> list[list]:
    """The first sheet of the file as rows of cell values, or SheetError saying why not."""
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in FORMATS:
        raise SheetError([Problem(None, None, _("Upload an XLSX, ODS or CSV file; %(name)s is none of them."),
                                  name=filename)])
    if len(content) > limits()["bytes"]:
        size = limits()["bytes"]
        limit = f"{size / 1024 / 1024:g} MB" if size >= 1024 * 1024 else f"{size / 1024:g} KB"
        raise SheetError([Problem(None, None, _("The file is larger than the limit of %(limit)s."), limit=limit)])
    if not content.strip():
        raise SheetError([Problem(None, None, _("The file is empty."))])
    rows = FORMATS[extension]().create_dataset(content)
    # Windows-1258 and some programs write Vietnamese with combining tone marks: compare in one form.
    return [[unicodedata.normalize("NFC", cell) if isinstance(cell, str) else cell for cell in row] for row in rows]
