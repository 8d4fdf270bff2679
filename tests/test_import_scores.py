"""Importing score sheets: the shapes staff make, the round trip, and every refusal leaving the scores as they were."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from agencies.models import AgencyGroup
from criteria.models import EvaluationYear
from imports import score_sheet
from imports.importing import apply_import, parse_number
from imports.problems import SheetError
from rankings.models import ImportLog, Score
from tests import factories, sheets
from tests.sheets import PROVINCE_ROWS

pytestmark = pytest.mark.django_db


def english(error):
    return [problem.text_in("en") for problem in error.value.problems]


def stored():
    return sorted(Score.objects.values_list("agency__name", "criterion__code", "value"))


def run_import(content, name, block, **kwargs):
    year, group = block
    return apply_import(content=content, filename=name, year=year, agency_group=group, **{"user": None, **kwargs})


def test_the_provinces_sheet_with_title_merged_headers_and_decimal_commas_imports(block):
    outcome = run_import(sheets.province_sheet(PROVINCE_ROWS), "diem-2019.xlsx", block)
    assert stored() == [
        ("Sở Tài chính", "1.1", Decimal("19.50")), ("Sở Tài chính", "1.2", Decimal("18.00")),
        ("Sở Tài chính", "2.1.1", Decimal("15.25")), ("Sở Tài chính", "2.1.2", Decimal("20.00")),
        ("Sở Xây dựng", "1.1", Decimal("10.00")), ("Sở Xây dựng", "2.1.1", Decimal("12.00")),
        ("Sở Xây dựng", "2.1.2", Decimal("11.50")),
    ]
    assert (outcome.created, outcome.updated, outcome.unchanged) == (7, 0, 0)
    finance, standing = outcome.agencies[0]
    assert finance.agency.name == "Sở Tài chính" and standing.total == Decimal("72.75") and standing.rank == 1


def test_the_command_imports_and_prints_a_summary(block, tmp_path, capsys):
    path = tmp_path / "diem.xlsx"
    path.write_bytes(sheets.province_sheet(PROVINCE_ROWS))
    call_command("import_scores", str(path), "--year", "2019", "--group", "so-ban-nganh")
    assert "7 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert len(stored()) == 7
    path.write_bytes(sheets.province_sheet([["Sở Tài chính", 20, 18, "15.25", "20", None]]))
    call_command("import_scores", str(path), "--year", "2019", "--group", "so-ban-nganh")
    assert "0 created, 1 updated, 3 unchanged" in capsys.readouterr().out


def test_a_dry_run_reports_and_changes_nothing(block, tmp_path, capsys):
    path = tmp_path / "diem.xlsx"
    path.write_bytes(sheets.province_sheet(PROVINCE_ROWS))
    call_command("import_scores", str(path), "--year", "2019", "--group", "so-ban-nganh", "--dry-run")
    out = capsys.readouterr().out
    assert "Would import" in out and "7 created" in out
    assert stored() == [] and not ImportLog.objects.exists()


def test_columns_headed_by_criterion_name_and_short_agency_names(block):
    content = sheets.xlsx([["Cơ quan", "Máy tính và mạng", "AN TOAN THONG TIN", "2.1.1 Văn bản đi"],
                           ["Tài chính", 1, 2, 3]])
    run_import(content, "theo-ten.xlsx", block)
    assert stored() == [("Sở Tài chính", "1.1", 1), ("Sở Tài chính", "1.2", 2), ("Sở Tài chính", "2.1.1", 3)]


def test_a_long_sheet_of_agency_criterion_score(block):
    content = sheets.xlsx([["Tên cơ quan", "Mã tiêu chí", "Điểm"], ["Sở Y tế", "1.1", "7,5"], ["Sở Y tế", "2.1.2", 3]])
    run_import(content, "dai.xlsx", block)
    assert stored() == [("Sở Y tế", "1.1", Decimal("7.50")), ("Sở Y tế", "2.1.2", 3)]


def test_csv_in_windows_1258_and_utf8_with_bom_and_ods(block):
    rows = [["STT", "Tên cơ quan", "1.1", "1.2"], [1, "Sở Tài chính", "1,5", 2]]
    windows = sheets.csv_bytes(rows, encoding="cp1258", delimiter=";")
    with pytest.raises(UnicodeDecodeError):
        windows.decode("utf-8")
    run_import(windows, "windows.csv", block)
    assert stored() == [("Sở Tài chính", "1.1", Decimal("1.50")), ("Sở Tài chính", "1.2", 2)]
    utf8 = sheets.csv_bytes([rows[0], [1, "Sở Xây dựng", "3,25", 4]])
    assert utf8.startswith(b"\xef\xbb\xbf") and b'"3,25"' in utf8
    run_import(utf8, "bom.csv", block)
    run_import(sheets.ods([rows[0], [1, "Sở Y tế", 5, "6,5"]]), "sheet.ods", block)
    assert ("Sở Xây dựng", "1.1", Decimal("3.25")) in stored() and ("Sở Y tế", "1.2", Decimal("6.50")) in stored()


def test_a_blank_cell_leaves_the_stored_score(block):
    run_import(sheets.province_sheet(PROVINCE_ROWS), "a.xlsx", block)
    run_import(sheets.province_sheet([["Sở Tài chính", None, None, None, 1, None]]), "b.xlsx", block)
    assert ("Sở Tài chính", "1.1", Decimal("19.50")) in stored()
    assert ("Sở Tài chính", "2.1.2", Decimal("1.00")) in stored()


def test_the_exported_template_goes_back_in_unchanged(block, tmp_path):
    year, group = block
    template = load_workbook(io.BytesIO(score_sheet.to_xlsx(year, group)))
    sheet = template.active
    assert [c.value for c in sheet[3]] == ["STT", "Tên cơ quan", "1.1", "1.2", "2.1.1", "2.1.2", "Tổng điểm"]
    assert [c.value for c in sheet[4]][1:3] == ["Tên tiêu chí", "Máy tính và mạng"]
    assert [c.value for c in sheet[5]][1:] == ["Điểm tối đa", 20, 20, 20, 20, 80]
    assert [sheet.cell(row=r, column=2).value for r in (6, 7, 8)] == ["Sở Tài chính", "Sở Xây dựng", "Sở Y tế"]
    assert sheet.cell(row=6, column=3).value is None  # blank: nothing scored yet
    sheet["C6"], sheet["D7"] = "12,5", 7
    filled = io.BytesIO()
    template.save(filled)
    run_import(filled.getvalue(), "mau.xlsx", block)
    assert stored() == [("Sở Tài chính", "1.1", Decimal("12.50")), ("Sở Xây dựng", "1.2", 7)]

    for fmt in ("xlsx", "csv"):
        path = tmp_path / f"export.{fmt}"
        call_command("export_scores", "--year", "2019", "--group", "so-ban-nganh", "--output", str(path))
        outcome = run_import(path.read_bytes(), path.name, block)
        assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 2)


def test_every_confirmed_import_is_logged_with_the_file_and_its_hash(block, people):
    import hashlib

    clerk = people.ict
    content = sheets.province_sheet(PROVINCE_ROWS)
    run_import(content, "../../etc/diem.xlsx", block, user=clerk)
    log = ImportLog.objects.get()
    assert (log.user, log.file_name, log.year.year, log.agency_group.slug) == (clerk, "diem.xlsx", 2019, "so-ban-nganh")
    assert log.sha256 == hashlib.sha256(content).hexdigest()
    assert (log.created, log.updated, log.unchanged) == (7, 0, 0)
    assert log.file.read() == content
    assert not Score.history.exists()  # a new score's origin is the import log
    run_import(sheets.province_sheet([["Sở Tài chính", 20, 18, "15.25", "20", None]]), "sua.xlsx", block, user=clerk)
    history = list(Score.history.values_list("history_user__username", "history_change_reason", "value"))
    assert history == [("ict", "import sua.xlsx", Decimal("20.00"))]
    assert Score.history.get().prev_record is None and Score.history.get().instance.value == Decimal("20.00")


BAD_SHEETS = {
    "unknown agency": (
        sheets.xlsx([["Tên cơ quan", "1.1"], ["Sở Không Có", 1]]),
        "row 2, column A \"Tên cơ quan\"", "No agency of the block"),
    "agency of another block": (
        sheets.xlsx([["Tên cơ quan", "1.1"], ["UBND huyện Văn Lâm", 1]]),
        "row 2", "belongs to the block"),
    "same agency twice": (
        sheets.xlsx([["Tên cơ quan", "1.1"], ["Sở Y tế", 1], ["so y te", 2]]),
        "row 3", "already on row 2"),
    "unknown criterion": (
        sheets.xlsx([["Tên cơ quan", "1.1", "9.9"], ["Sở Y tế", 1, 1]]),
        "row 1, column C \"9.9\"", "No criterion"),
    "criterion with sub-criteria": (
        sheets.xlsx([["Tên cơ quan", "2.1"], ["Sở Y tế", 1]]),
        "column B \"2.1\"", "sub-criteria"),
    "not a number": (
        sheets.xlsx([["Tên cơ quan", "1.1"], ["Sở Y tế", "mười"]]),
        "row 2, column B \"1.1\"", "is not a number"),
    "below zero": (
        sheets.xlsx([["Tên cơ quan", "1.1"], ["Sở Y tế", "-1"]]),
        "row 2, column B \"1.1\"", "below zero"),
    "above the maximum": (
        sheets.xlsx([["Tên cơ quan", "1.1"], ["Sở Y tế", "20,5"]]),
        "row 2, column B \"1.1\"", "above its maximum of 20"),
    "too many decimals": (
        sheets.xlsx([["Tên cơ quan", "1.1"], ["Sở Y tế", "1,234"]]),
        "row 2", "more than two decimals"),
    "total that disagrees": (
        sheets.xlsx([["Tên cơ quan", "1.1", "1.2", "Tổng điểm"], ["Sở Y tế", 1, 2, 4]]),
        "row 2, column D \"Tổng điểm\"", "differs from the sum"),
    "formula with no stored value": (
        sheets.xlsx([["Tên cơ quan", "1.1", "1.2"], ["Sở Y tế", 1, None]], formulas={"C2": "=B2*2"}),
        "row 2, column C \"1.2\"", "formula"),
    "no header row": (
        sheets.xlsx([["Danh sách"], ["Sở Y tế", 1, 2]]),
        "", "No header row found"),
    "empty sheet": (sheets.xlsx([]), "", "The sheet is empty"),
    "not the spreadsheet it claims to be": (b"<html><body>not a workbook</body></html>", "", "not a valid XLSX"),
    "scores without an agency": (
        sheets.xlsx([["Tên cơ quan", "1.1"], [None, 3]]),
        "row 2", "without an agency name"),
}


@pytest.mark.parametrize("case", BAD_SHEETS)
def test_a_bad_sheet_is_refused_with_a_located_message_and_nothing_changes(block, case):
    content, location, reason = BAD_SHEETS[case]
    run_import(sheets.province_sheet(PROVINCE_ROWS), "first.xlsx", block)
    before = stored()
    with pytest.raises(SheetError) as error:
        run_import(content, "bad.xlsx", block)
    english = [p.text_in("en") for p in error.value.problems]
    assert any(location in text and reason in text for text in english), english
    assert all(p.text_in("vi") != p.text_in("en") for p in error.value.problems)  # Vietnamese too
    assert stored() == before
    assert ImportLog.objects.count() == 1


def test_a_file_over_the_size_limit_is_refused(block, settings):
    settings.SCORE_IMPORT_MAX_BYTES = 10 * 1024
    with pytest.raises(SheetError) as error:
        run_import(sheets.province_sheet(PROVINCE_ROWS) + b"\0" * 10 * 1024, "big.xlsx", block)
    assert english(error) == ["The file is larger than the limit of 10 KB."]
    assert stored() == []


def test_a_sheet_with_too_many_rows_is_refused(block, settings):
    settings.SCORE_IMPORT_MAX_ROWS = 5
    rows = [["Tên cơ quan", "1.1"]] + [["Sở Y tế", 1]] * 6
    for content, name in [(sheets.xlsx(rows), "long.xlsx"), (sheets.csv_bytes(rows), "long.csv")]:
        with pytest.raises(SheetError) as error:
            run_import(content, name, block)
        assert english(error) == ["The sheet has more than 5 rows."]
    assert stored() == []


def test_a_name_without_diacritics_that_fits_two_agencies_is_refused(block):
    year, group = block
    factories.agency(group, name="Sở Tư pháp", short_name="Tư pháp")
    factories.agency(group, name="Sở Tu Pháp Cũ", short_name="Tu pháp")
    with pytest.raises(SheetError) as error:
        run_import(sheets.xlsx([["Tên cơ quan", "1.1"], ["tu phap", 1]]), "x.xlsx", block)
    assert "could name several agencies" in english(error)[0]
    run_import(sheets.xlsx([["Tên cơ quan", "1.1"], ["Tư pháp", 1]]), "x.xlsx", block)  # exact still works
    assert stored() == [("Sở Tư pháp", "1.1", 1)]


def test_the_command_fails_with_every_problem(block, tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(sheets.xlsx([["Tên cơ quan", "1.1", "1.2"], ["Sở Không Có", 1, 1], ["Sở Y tế", "x", 99]]))
    with pytest.raises(CommandError, match="3 problem"):
        call_command("import_scores", str(path), "--year", "2019", "--group", "so-ban-nganh")
    errors = capsys.readouterr().err
    assert "hàng 2" in errors and "row 2" in errors and "row 3, column B" in errors and "row 3, column C" in errors
    assert stored() == []


@pytest.mark.parametrize(
    ("cell", "number"),
    [("119,34", "119.34"), ("119.34", "119.34"), (" 7 ", "7"), (12, "12"), (0.1 + 0.2, "0.3"), ("0", "0")],
)
def test_numbers_as_people_type_them(cell, number):
    assert parse_number(cell) == (Decimal(number), None)


def test_criteria_for_a_new_year_come_from_a_sheet(block, tmp_path, capsys):
    path = tmp_path / "tieu-chi.xlsx"
    path.write_bytes(sheets.xlsx([
        ["Bộ tiêu chí năm 2021"],
        ["Mã", "Tên tiêu chí", "Nhóm tiêu chí", "Tên nhóm", "Điểm tối đa", "Tiêu chí cha"],
        ["1.1", "Máy tính", "infrastructure", "Hạ tầng kỹ thuật", 20, None],
        ["2.1", "Văn bản", "it_application", "Ứng dụng CNTT", 40, None],
        ["2.1.1", "Văn bản đi", "it_application", None, "20", "2.1"],
        ["2.1.2", "Văn bản đến", "it_application", None, "20,5", "2.1"],
    ]))
    call_command("import_criteria", str(path), "--year", "2021", "--group", "so-ban-nganh")
    assert "Created 4 criteria" in capsys.readouterr().out
    year = EvaluationYear.objects.get(year=2021)
    assert year.status == EvaluationYear.Status.DRAFT
    child = year.criteria.get(code="2.1.2")
    assert child.parent.code == "2.1" and child.max_points == Decimal("20.5")


def test_a_bad_criteria_sheet_creates_nothing_not_even_the_year(block, tmp_path):
    path = tmp_path / "tieu-chi.xlsx"
    path.write_bytes(sheets.xlsx([["Mã", "Tên", "Nhóm", "Tên nhóm", "Tối đa", "Tiêu chí cha"],
                                  ["1.1", "Máy tính", "khong-co", None, 20, None],
                                  ["1.2", "Mạng", "policy", "Chính sách", 0, "9"]]))
    with pytest.raises(CommandError, match="3 problem"):
        call_command("import_criteria", str(path), "--year", "2022", "--group", "so-ban-nganh")
    assert not EvaluationYear.objects.filter(year=2022).exists()
    assert AgencyGroup.objects.get(slug="so-ban-nganh").criteria.filter(year__year=2022).count() == 0


def test_an_import_runs_the_same_number_of_queries_for_one_agency_or_many(block):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _year, group = block
    # 10 agencies: within one INSERT batch even on SQLite, whose statements take at most 999 parameters.
    for n in range(4, 14):
        factories.agency(group, name=f"Sở thứ {n}")

    def queries(names, value):
        content = sheets.xlsx([["Tên cơ quan", "1.1", "1.2", "2.1.1", "2.1.2"]] + [[n, value, 1, 2, 3] for n in names])
        with CaptureQueriesContext(connection) as captured:
            run_import(content, "x.xlsx", block)
        return len(captured)

    few, many = ["Sở Y tế"], [f"Sở thứ {n}" for n in range(4, 14)]
    assert queries(few, 1) == queries(many, 1)  # all new
    assert queries(few, 2) == queries(many, 2)  # all updated
    assert Score.objects.count() == 4 * 11
