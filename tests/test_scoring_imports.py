"""Imports of the scoring methods: score sheets that mark criteria not applicable or give a computed criterion's
figures, and a year's criteria, with their rules and groups, exported and imported again."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils.translation import override
from openpyxl import load_workbook

from criteria.models import CriteriaGroup, Criterion, EvaluationYear
from criteria.rules import Rule
from criteria.services import change_year_status
from imports import score_sheet
from imports.criteria import import_criteria
from imports.importing import AgencyChanges, apply_import
from imports.problems import SheetError
from rankings.models import ImportLog, Score
from rankings.selectors import PublishedYears, block_ranking
from rankings.services import save_agency_scores
from tests import factories, sheets

pytestmark = pytest.mark.django_db

D = Decimal
APPRAISAL = EvaluationYear.Status.APPRAISAL
AGENCIES = ["Sở Tài chính", "Sở Xây dựng", "Sở Y tế", "Sở Nội vụ", "Sở Tư pháp"]


class Block:
    """2024 under appraisal, departments: 1.1 (20) and 1.2 (10) scored in points; 2.1, a ratio of 35 points
    ("hồ sơ"), and 2.2, 10 points relative to the block's best; five departments."""

    def __init__(self):
        self.group = factories.agency_group(name="Sở, ban, ngành", slug="so-ban-nganh")
        self.year = factories.evaluation_year(2024, status=APPRAISAL)
        self.points = factories.criterion(self.year, self.group, "1.1", 20, name="Máy trạm")
        self.other = factories.criterion(self.year, self.group, "1.2", 10, name="Dịch vụ công có phát sinh hồ sơ")
        self.ratio = factories.criterion(self.year, self.group, "2.1", 35, criteria_group="online_services",
                                         rule=Rule.RATIO, unit="hồ sơ", name="Tỷ lệ hồ sơ trực tuyến")
        self.relative = factories.criterion(self.year, self.group, "2.2", 10, criteria_group="online_services",
                                            rule=Rule.RELATIVE, name="Số dịch vụ toàn trình")
        self.agencies = {name: factories.agency(self.group, name=name) for name in AGENCIES}

    def run(self, rows, filename="diem-2024.xlsx", **kwargs):
        return apply_import(content=sheets.xlsx(rows), filename=filename, year=self.year, agency_group=self.group,
                            user=None, **kwargs)

    def refused(self, rows):
        """The problems of a refused sheet, in English."""
        with pytest.raises(SheetError) as error:
            self.run(rows)
        return [problem.text_in("en") for problem in error.value.problems]

    def score(self, agency_name, criterion):
        return Score.objects.get(agency=self.agencies[agency_name], criterion=criterion)

    def standing(self, agency_name):
        ranking = block_ranking(published=PublishedYears(), year=self.year, block=self.group)
        return next(s for s in ranking.standings if s.name == agency_name)


@pytest.fixture
def block():
    return Block()


def everything_stored():
    """Every field of every score, to compare before and after a refused sheet."""
    return sorted(Score.objects.values_list("agency__name", "criterion__code", "value", "not_applicable",
                                            "not_applicable_reason", "numerator", "denominator"))


# ---------------------------------------------------------------------------------------------------------------
# Marks of not applicable in a score sheet
# ---------------------------------------------------------------------------------------------------------------

def test_every_spelling_of_not_applicable_marks_the_criterion(block):
    marks = ["KAD", "Không áp dụng", "n/a", "N/A", "không áp dụng"]
    block.run([["Tên cơ quan", "1.1", "1.2"], *([name, 15, mark] for name, mark in zip(AGENCIES, marks, strict=True))],
              filename="kad.xlsx")
    stored = Score.objects.filter(criterion=block.other).order_by("agency__name")
    assert [(s.value, s.not_applicable) for s in stored] == [(None, True)] * 5
    assert all("kad.xlsx" in s.not_applicable_reason for s in stored)  # the reason says where the mark came from
    assert Score.objects.filter(criterion=block.points, value=15, not_applicable=False).count() == 5


@pytest.mark.parametrize("mark", ["  KAD ", "kad", "KHÔNG ÁP DỤNG", "Khong ap dung", "không  áp   dụng", " n/A"])
def test_marks_are_read_without_case_diacritics_or_extra_spaces(block, mark):
    block.run([["Tên cơ quan", "1.2"], ["Sở Y tế", mark]])
    score = block.score("Sở Y tế", block.other)
    assert (score.value, score.not_applicable) == (None, True)


def test_a_marked_agencys_total_is_converted(block):
    block.run([["Tên cơ quan", "1.1", "1.2"], ["Sở Y tế", 15, "KAD"], ["Sở Nội vụ", 15, 0]])
    health = block.standing("Sở Y tế")
    # 15 of the 65 points that apply (20 + 35 + 10), converted to the block's 75
    assert (health.points, health.excluded, health.applicable_max, health.total) == (15, 10, 65, D("17.31"))
    assert (health.rank, block.standing("Sở Nội vụ").rank) == (1, 2)


def test_a_total_column_is_checked_against_the_points_without_the_marks(block):
    block.run([["Tên cơ quan", "1.1", "1.2", "Tổng điểm"], ["Sở Y tế", 15, "KAD", 15]])
    assert block.score("Sở Y tế", block.points).value == 15
    assert block.refused([["Tên cơ quan", "1.1", "1.2", "Tổng điểm"], ["Sở Y tế", 15, "KAD", 25]]) == [
        'row 2, column D "Tổng điểm": the total 25 differs from the sum of the row\'s scores, 15.']


def test_a_mark_replaces_a_stored_score_and_the_preview_says_so(block):
    factories.score(block.agencies["Sở Y tế"], block.other, 8)
    outcome = block.run([["Tên cơ quan", "1.2"], ["Sở Y tế", "N/A"]])
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 0)
    changes, standing = outcome.agencies[0]
    assert [(c.code, old, new) for c, old, new in changes.changes] == [("1.2", 8, AgencyChanges.NA)]
    assert standing.excluded == 10
    score = block.score("Sở Y tế", block.other)
    assert (score.value, score.not_applicable) == (None, True)


def test_a_number_replaces_a_stored_mark(block):
    block.run([["Tên cơ quan", "1.2"], ["Sở Y tế", "KAD"]])
    block.run([["Tên cơ quan", "1.2"], ["Sở Y tế", 7]])
    score = block.score("Sở Y tế", block.other)
    assert (score.value, score.not_applicable, score.not_applicable_reason) == (7, False, "")
    assert block.standing("Sở Y tế").excluded == 0


def test_the_same_mark_again_changes_nothing(block):
    block.run([["Tên cơ quan", "1.2"], ["Sở Y tế", "KAD"]], filename="a.xlsx")
    outcome = block.run([["Tên cơ quan", "1.2"], ["Sở Y tế", "KAD"]], filename="a.xlsx")
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 1)


def test_a_long_sheet_marks_points_and_computed_criteria_not_applicable(block):
    block.run([["Tên cơ quan", "Mã tiêu chí", "Điểm"], ["Sở Y tế", "1.2", "KAD"], ["Sở Y tế", "2.1", "không áp dụng"],
               ["Sở Y tế", "1.1", 12]])
    assert block.standing("Sở Y tế").excluded == 45
    assert (block.score("Sở Y tế", block.ratio).not_applicable, block.score("Sở Y tế", block.ratio).value) == (
        True, None)


def test_a_long_sheet_mark_clears_the_stored_figures_of_a_computed_criterion(block):
    block.run([["Tên cơ quan", "2.1 số liệu", "2.1 tổng số"], ["Sở Y tế", 412, 520]])
    block.run([["Tên cơ quan", "Mã tiêu chí", "Điểm"], ["Sở Y tế", "2.1", "KAD"]])
    score = block.score("Sở Y tế", block.ratio)
    assert (score.not_applicable, score.value, score.numerator, score.denominator) == (True, None, None, None)


def test_a_long_sheet_refuses_points_for_a_computed_criterion(block):
    assert block.refused([["Tên cơ quan", "Mã tiêu chí", "Điểm"], ["Sở Y tế", "2.1", 20]]) == [
        'row 2, column B "Mã tiêu chí": Criterion 2.1 is computed from figures: import them in a sheet with one row '
        "per agency."]


def test_one_bad_cell_refuses_the_whole_sheet_naming_its_row_and_column(block):
    factories.score(block.agencies["Sở Tài chính"], block.points, 5)
    block.run([["Tên cơ quan", "2.1 số liệu", "2.1 tổng số"], ["Sở Tư pháp", 10, 20]])
    before, logs = everything_stored(), ImportLog.objects.count()

    problems = block.refused([
        ["Tên cơ quan", "1.1", "1.2", "2.1 số liệu", "2.1 tổng số"],
        ["Sở Tài chính", 15, "KAD", 412, 520],
        ["Sở Xây dựng", "KAD?", 5, None, None],
        ["Sở Y tế", 10, "N/A", "không áp dụng", None],
        ["Sở Tư pháp", 10, 10, 20, 20],
    ])

    assert problems == ['row 3, column B "1.1": “KAD?” is not a number.']
    assert everything_stored() == before
    assert ImportLog.objects.count() == logs


def test_a_score_above_its_maximum_next_to_marks_is_refused_and_nothing_is_written(block):
    problems = block.refused([["Tên cơ quan", "1.1", "1.2"], ["Sở Y tế", "KAD", 11], ["Sở Nội vụ", "N/A", 2]])
    assert problems == ['row 2, column C "1.2": Criterion 1.2 “Dịch vụ công có phát sinh hồ sơ”: the score 11 is above '
                        "its maximum of 10."]
    assert not Score.objects.exists()


def test_a_dry_run_of_marks_writes_nothing(block):
    outcome = block.run([["Tên cơ quan", "1.2"], ["Sở Y tế", "KAD"]], dry_run=True)
    assert outcome.agencies[0][1].excluded == 10  # the preview reads the marks
    assert not Score.objects.exists() and not ImportLog.objects.exists()


# ---------------------------------------------------------------------------------------------------------------
# A computed criterion's figures
# ---------------------------------------------------------------------------------------------------------------

def test_a_ratio_imported_from_its_figure_columns_gets_its_points(block):
    outcome = block.run([["Tên cơ quan", "2.1 số liệu", "2.1 tổng số"], ["Sở Tài chính", 412, 520]])
    score = block.score("Sở Tài chính", block.ratio)
    assert (score.numerator, score.denominator, score.value) == (412, 520, D("27.73"))
    assert outcome.agencies[0][1].total == D("27.73")


def test_figure_columns_are_read_with_english_headers_and_decimal_commas(block):
    block.run([["Agency", "2.1 figure", "2.1 out of"], ["Sở Tài chính", "412,0", "520"]])
    assert block.score("Sở Tài chính", block.ratio).value == D("27.73")


def test_a_relative_criterion_is_computed_against_the_best_figure_of_the_sheet(block):
    block.run([["Tên cơ quan", "2.2 số liệu"], ["Sở Tài chính", 50], ["Sở Xây dựng", 100], ["Sở Y tế", 0]])
    assert [block.score(name, block.relative).value for name in AGENCIES[:3]] == [5, 10, 0]


def test_importing_a_new_best_figure_recomputes_the_whole_block(block):
    block.run([["Tên cơ quan", "2.2 số liệu"], ["Sở Tài chính", 50], ["Sở Xây dựng", 100]], filename="lan-1.xlsx")
    block.run([["Tên cơ quan", "2.2 số liệu"], ["Sở Tài chính", 200]], filename="lan-2.xlsx")
    builder = block.score("Sở Xây dựng", block.relative)
    assert (builder.numerator, builder.value) == (100, 5)
    assert block.score("Sở Tài chính", block.relative).value == 10
    assert builder.history.order_by("-history_date", "-history_id").first().history_change_reason == \
        "import lan-2.xlsx"


def test_a_plain_code_column_for_a_computed_criterion_is_refused_naming_its_figure_columns(block):
    assert block.refused([["Tên cơ quan", "1.1", "2.1"], ["Sở Tài chính", 10, 20]]) == [
        'row 1, column C "2.1": Criterion 2.1 is computed from figures: give them in the columns “2.1 số liệu”, '
        "“2.1 tổng số”."]
    assert not Score.objects.exists()


def test_a_plain_code_column_for_a_one_figure_rule_names_its_one_column(block):
    assert block.refused([["Tên cơ quan", "2.2"], ["Sở Tài chính", 20]]) == [
        'row 1, column B "2.2": Criterion 2.2 is computed from figures: give them in the columns “2.2 số liệu”.']


def test_a_total_column_for_a_one_figure_rule_is_refused(block):
    assert block.refused([["Tên cơ quan", "2.2 số liệu", "2.2 tổng số"], ["Sở Tài chính", 5, 10]]) == [
        'row 1, column C "2.2 tổng số": Criterion 2.2 takes one figure, not a total.']


def test_figure_columns_for_a_criterion_scored_in_points_are_refused(block):
    assert block.refused([["Tên cơ quan", "1.1 số liệu"], ["Sở Tài chính", 5]]) == [
        'row 1, column B "1.1 số liệu": Criterion 1.1 is scored in points: give its column the code alone.']


def test_a_total_without_its_number_column_is_refused(block):
    assert block.refused([["Tên cơ quan", "2.1 tổng số"], ["Sở Tài chính", 520]]) == [
        "row 1: Criterion 2.1 has a total but no column “2.1 số liệu”."]


def test_a_number_without_its_total_in_a_row_is_refused(block):
    assert block.refused([["Tên cơ quan", "2.1 số liệu", "2.1 tổng số"], ["Sở Tài chính", 412, None]]) == [
        'row 2, column B "2.1 số liệu": Criterion 2.1 “Tỷ lệ hồ sơ trực tuyến”: enter both the number and the total.']


def test_a_number_above_its_total_is_refused_naming_row_and_column(block):
    assert block.refused([["Tên cơ quan", "2.1 số liệu", "2.1 tổng số"], ["Sở Tài chính", 412, 520],
                          ["Sở Y tế", 600, 520]]) == [
        'row 3, column B "2.1 số liệu": Criterion 2.1 “Tỷ lệ hồ sơ trực tuyến”: the number 600 is above the total 520.']
    assert not Score.objects.exists()


def test_a_figure_that_is_not_a_number_is_refused_naming_its_own_column(block):
    assert block.refused([["Tên cơ quan", "2.1 số liệu", "2.1 tổng số"], ["Sở Tài chính", 412, "nhiều"]]) == [
        'row 2, column C "2.1 tổng số": “nhiều” is not a number.']


def test_a_mark_in_a_figure_column_marks_the_computed_criterion_not_applicable(block):
    block.run([["Tên cơ quan", "2.1 số liệu", "2.1 tổng số"], ["Sở Tài chính", "KAD", None],
               ["Sở Y tế", 412, 520]])
    score = block.score("Sở Tài chính", block.ratio)
    assert (score.not_applicable, score.value, score.numerator, score.denominator) == (True, None, None, None)
    assert block.standing("Sở Tài chính").excluded == 35


def test_an_agency_marked_not_applicable_is_left_out_of_the_best(block):
    block.run([["Tên cơ quan", "2.2 số liệu"], ["Sở Tài chính", "N/A"], ["Sở Xây dựng", 40], ["Sở Y tế", 80]])
    assert [block.score(name, block.relative).value for name in AGENCIES[:3]] == [None, 5, 10]


def test_a_mark_in_a_figure_column_replaces_computed_points(block):
    block.run([["Tên cơ quan", "2.1 số liệu", "2.1 tổng số"], ["Sở Tài chính", 412, 520]])
    block.run([["Tên cơ quan", "2.1 số liệu", "2.1 tổng số"], ["Sở Tài chính", "KAD", None]])
    score = block.score("Sở Tài chính", block.ratio)
    assert (score.not_applicable, score.value, score.numerator) == (True, None, None)


def test_figure_columns_of_a_criterion_whose_code_has_capitals(block):
    criterion = factories.criterion(block.year, block.group, "DV1", 10, criteria_group="online_services",
                                    rule=Rule.YES_NO, name="Có cổng dịch vụ công")
    block.run([["Tên cơ quan", "DV1 số liệu"], ["Sở Tài chính", 1]])
    assert Score.objects.get(criterion=criterion).value == 10


# ---------------------------------------------------------------------------------------------------------------
# The score sheet the site exports goes back in
# ---------------------------------------------------------------------------------------------------------------

def template_rows(content):
    return [list(row) for row in load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True)]


def test_the_template_has_a_column_per_figure_of_each_computed_criterion(block):
    header = template_rows(score_sheet.to_xlsx(block.year, block.group))[2]
    assert header == ["STT", "Tên cơ quan", "1.1", "1.2", "2.1 số liệu", "2.1 tổng số", "2.2 số liệu", "Tổng điểm"]


def test_the_template_filled_with_figures_goes_back_in_and_computes_the_points(block):
    template = load_workbook(io.BytesIO(score_sheet.to_xlsx(block.year, block.group)))
    sheet = template.active
    assert sheet["B6"].value == "Sở Nội vụ"  # the agencies in Vietnamese alphabetical order, from row 6
    sheet["E6"], sheet["F6"], sheet["G6"] = 412, 520, 30
    filled = io.BytesIO()
    template.save(filled)
    apply_import(content=filled.getvalue(), filename="mau.xlsx", year=block.year, agency_group=block.group, user=None)
    score = block.score("Sở Nội vụ", block.ratio)
    assert (score.numerator, score.denominator, score.value) == (412, 520, D("27.73"))
    assert block.score("Sở Nội vụ", block.relative).value == 10


def test_the_exported_scores_with_figures_and_marks_go_back_in_unchanged(block):
    block.run([["Tên cơ quan", "1.1", "1.2", "2.1 số liệu", "2.1 tổng số", "2.2 số liệu"],
               ["Sở Y tế", 15, "KAD", 412, 520, 40], ["Sở Nội vụ", 20, 10, 520, 520, 80]], filename="diem.xlsx")
    exported = score_sheet.to_xlsx(block.year, block.group)
    health = next(row for row in template_rows(exported) if row[1] == "Sở Y tế")
    assert health[2:] == [15, "Không áp dụng", 412, 520, 40, 47.73]  # the total is the points achieved
    before = everything_stored()
    outcome = apply_import(content=exported, filename="diem.xlsx", year=block.year, agency_group=block.group,
                           user=None)
    assert outcome.created == 0
    assert everything_stored() == before


def test_the_exported_scores_go_back_in_keeping_the_appraisers_reason(db):
    group = factories.agency_group(name="Sở, ban, ngành", slug="so-ban-nganh")
    year = factories.evaluation_year(2024, status=APPRAISAL)
    first = factories.criterion(year, group, "1.1", 20)
    second = factories.criterion(year, group, "1.2", 10)
    agency = factories.agency(group, name="Sở Y tế")
    save_agency_scores(agency=agency, year=year, user=None, changes={
        first.pk: {"value": D(15)},
        second.pk: {"not_applicable": True, "not_applicable_reason": "Sở không có thủ tục phát sinh hồ sơ"}})
    outcome = apply_import(content=score_sheet.to_xlsx(year, group), filename="diem.xlsx", year=year,
                           agency_group=group, user=None)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 2)
    assert Score.objects.get(criterion=second).not_applicable_reason == "Sở không có thủ tục phát sinh hồ sơ"


# ---------------------------------------------------------------------------------------------------------------
# Criteria with their rules and groups: export, then import into another year
# ---------------------------------------------------------------------------------------------------------------

FRAMEWORK_GROUPS = [  # code, name, English name, short name, English short name
    ("ha-tang", "Hạ tầng kỹ thuật", "Technical infrastructure", "Hạ tầng", "Infrastructure"),
    ("dich-vu-cong", "Dịch vụ công trực tuyến", "Online public services", "DVC", "Services"),
    ("chinh-sach", "Chính sách, chỉ đạo", "Policy and direction", "Chính sách", "Policy"),
]


@pytest.fixture
def framework(db):
    """2024's departments: criteria of every rule in three groups, with a parent and its sub-criteria."""
    group = factories.agency_group(name="Sở, ban, ngành", slug="so-ban-nganh")
    year = factories.evaluation_year(2024, status=APPRAISAL)
    groups = {}
    for order, (code, name, name_en, short, short_en) in enumerate(FRAMEWORK_GROUPS, start=1):
        groups[code] = CriteriaGroup.objects.create(year=year, agency_group=group, code=code, name=name,
                                                    name_en=name_en, short_name=short, short_name_en=short_en,
                                                    order=order)

    def add(code, group_code, max_points, **fields):
        return Criterion.objects.create(year=year, agency_group=group, criteria_group=groups[group_code], code=code,
                                        name=fields.pop("name", f"Tiêu chí {code}"), max_points=D(max_points),
                                        **fields)

    parent = add("1.1", "ha-tang", 20, name="Máy trạm và mạng", order=1)
    add("1.1.1", "ha-tang", "12.5", parent=parent, order=2)
    add("1.1.2", "ha-tang", "7.5", parent=parent, order=3)
    add("2.1", "dich-vu-cong", 35, rule=Rule.RATIO, unit="hồ sơ", order=4)
    add("2.2", "dich-vu-cong", 10, rule=Rule.RELATIVE, unit="dịch vụ", order=5)
    add("2.3", "dich-vu-cong", 5, rule=Rule.PER_ITEM, points_per_item=D("0.25"), unit="dịch vụ", order=6)
    add("2.4", "dich-vu-cong", 20, rule=Rule.TIERS, tiers="90: 100; 70: 75; 50: 50", order=7)
    add("3.1", "chinh-sach", 10, rule=Rule.YES_NO, order=8)
    return year, group


def criteria_of(year, group):
    return list(Criterion.objects.filter(year=year, agency_group=group).order_by("code").values_list(
        "code", "name", "criteria_group__code", "max_points", "parent__code", "rule", "points_per_item", "tiers",
        "unit"))


def groups_of(year, group):
    return list(CriteriaGroup.objects.filter(year=year, agency_group=group).order_by("order").values_list(
        "code", "name", "name_en", "short_name"))


def export(tmp_path, year=2024):
    path = tmp_path / "tieu-chi.xlsx"
    call_command("export_criteria", "--year", str(year), "--group", "so-ban-nganh", "--output", str(path))
    return path


def test_the_export_has_a_row_per_criterion_with_its_rule_and_parameters(framework, tmp_path):
    rows = [list(row) for row in load_workbook(export(tmp_path), read_only=True).active.iter_rows(values_only=True)]
    assert rows[0][:3] == ["Mã", "Tên tiêu chí", "Nhóm"]
    assert len(rows) == 1 + 8
    by_code = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert (by_code["2.3"]["Cách tính"], by_code["2.3"]["Điểm mỗi mục"], by_code["2.3"]["Đơn vị"]) == (
        "per_item", 0.25, "dịch vụ")
    assert (by_code["2.4"]["Cách tính"], by_code["2.4"]["Bậc"]) == ("tiers", "90: 100; 70: 75; 50: 50")
    assert (by_code["1.1.1"]["Tiêu chí cha"], by_code["1.1.1"]["Tên nhóm (tiếng Anh)"]) == (
        "1.1", "Technical infrastructure")


def test_exported_criteria_import_into_another_year_with_the_same_rules_parameters_and_groups(framework, tmp_path):
    year, group = framework
    path = export(tmp_path)
    target = factories.evaluation_year(2025, status=EvaluationYear.Status.DRAFT)

    count = import_criteria(content=path.read_bytes(), filename=path.name, year=target, agency_group=group)

    assert count == 8
    assert criteria_of(target, group) == criteria_of(year, group)
    assert groups_of(target, group) == groups_of(year, group)
    assert Criterion.objects.filter(year=target, agency_group=group).maximum() == 100


def test_the_import_criteria_command_reads_the_export_into_a_new_year(framework, tmp_path, capsys):
    year, group = framework
    path = export(tmp_path)
    call_command("import_criteria", str(path), "--year", "2026", "--group", "so-ban-nganh")
    assert "Created 8 criteria for 2026 / so-ban-nganh, 100.00 points in all." in capsys.readouterr().out
    target = EvaluationYear.objects.get(year=2026)
    assert target.status == EvaluationYear.Status.DRAFT
    assert criteria_of(target, group) == criteria_of(year, group)


def test_imported_criteria_compute_as_the_originals_do(framework, tmp_path):
    year, group = framework
    path = export(tmp_path)
    target = factories.evaluation_year(2025, status=APPRAISAL)
    import_criteria(content=path.read_bytes(), filename=path.name, year=target, agency_group=group)
    agency = factories.agency(group, name="Sở Tài chính")
    tiers, per_item = (Criterion.objects.get(year=target, code=code) for code in ("2.4", "2.3"))
    save_agency_scores(agency=agency, year=target, user=None, changes={
        tiers.pk: {"numerator": D(7), "denominator": D(10)}, per_item.pk: {"numerator": D(30)}})
    assert sorted(Score.objects.filter(agency=agency).values_list("criterion__code", "value")) == [
        ("2.3", 5), ("2.4", 15)]


def test_the_round_trip_keeps_the_groups_english_short_names(framework, tmp_path):
    _year, group = framework
    path = export(tmp_path)
    target = factories.evaluation_year(2025, status=EvaluationYear.Status.DRAFT)
    import_criteria(content=path.read_bytes(), filename=path.name, year=target, agency_group=group)
    assert list(CriteriaGroup.objects.filter(year=target).order_by("order").values_list("short_name_en", flat=True)) \
        == [short_en for *_names, short_en in FRAMEWORK_GROUPS]


CRITERIA_HEADER = ["Mã", "Tên tiêu chí", "Nhóm", "Tên nhóm", "Điểm tối đa", "Cách tính", "Điểm mỗi mục", "Bậc"]


def import_rows(rows, year=None, group=None):
    year = year or factories.evaluation_year(2025, status=EvaluationYear.Status.DRAFT)
    group = group or factories.agency_group(name="Sở, ban, ngành", slug="so-ban-nganh")
    with override("vi"):  # as the Vietnamese admin runs it
        count = import_criteria(content=sheets.xlsx([CRITERIA_HEADER, *rows]), filename="tieu-chi.xlsx", year=year,
                                agency_group=group)
    return count, year, group


def criteria_problems(rows, language="en"):
    """The problems of a refused criteria sheet as (row, column, reason in `language`); nothing was created."""
    with pytest.raises(SheetError) as error:
        import_rows(rows)
    assert not Criterion.objects.exists() and not CriteriaGroup.objects.exists()  # nothing created, groups neither
    return [(problem.row, problem.column, problem.reason_in(language)) for problem in error.value.problems]


def test_a_rule_written_by_its_vietnamese_name_is_read(db):
    _count, year, _group = import_rows([["1", "Tỷ lệ hồ sơ", "dvc", "Dịch vụ công", 35, "Tỷ lệ × điểm tối đa"],
                                        ["2", "Có kế hoạch", "dvc", None, 5, "có / KHÔNG"]])
    assert list(Criterion.objects.filter(year=year).order_by("code").values_list("rule", flat=True)) == [
        Rule.RATIO, Rule.YES_NO]


def test_a_rule_written_by_its_english_name_is_read(db):
    _count, year, _group = import_rows([["1", "Tỷ lệ hồ sơ", "dvc", "Dịch vụ công", 35, "Ratio × maximum"]])
    assert Criterion.objects.get(year=year).rule == Rule.RATIO


def test_a_blank_rule_means_points_entered(db):
    _count, year, _group = import_rows([["1", "Máy trạm", "ha-tang", "Hạ tầng", 20, None]])
    assert Criterion.objects.get(year=year).rule == Rule.POINTS


def test_an_unknown_rule_is_refused_naming_row_and_column(db):
    assert criteria_problems([["1", "Máy trạm", "ha-tang", "Hạ tầng", 20, "trung bình"]]) == [
        (2, 'F "Cách tính"', "“trung bình” is not a scoring rule; use one of points, ratio, relative, per_item, "
                             "tiers, yes_no.")]


def test_points_per_item_are_required_by_their_rule(db):
    assert criteria_problems([["1", "Dịch vụ", "dvc", "Dịch vụ công", 5, "per_item", None]], "vi") == [
        (2, 'G "Điểm mỗi mục"', "Cách tính “điểm theo số mục” cần điểm của một mục.")]


def test_bad_tiers_are_refused_naming_the_tiers_column(db):
    assert criteria_problems([["1", "Thanh toán", "dvc", "Dịch vụ công", 20, "tiers", None, "90: 100; 90: 50"]],
                             "vi") == [(2, 'H "Bậc"', "Mỗi bậc phải bắt đầu từ một tỷ lệ khác nhau.")]


def test_a_rule_parameter_problem_reads_in_english_too(db):
    assert criteria_problems([["1", "Thanh toán", "dvc", "Dịch vụ công", 20, "tiers", None, "90: 100; 90: 50"]],
                             "en") == [(2, 'H "Bậc"', "Each tier starts at a ratio of its own.")]


def test_tiers_on_another_rule_are_refused(db):
    assert criteria_problems([["1", "Thanh toán", "dvc", "Dịch vụ công", 20, "ratio", None, "90: 100"]], "vi") == [
        (2, 'H "Bậc"', "Các bậc chỉ dùng cho cách tính “theo bậc”.")]


def test_tiers_that_are_not_numbers_are_refused_as_a_problem_of_the_sheet(db):
    assert criteria_problems([["1", "Thanh toán", "dvc", "Dịch vụ công", 20, "tiers", None, "nan: 100"]], "vi") == [
        (2, 'H "Bậc"', "“nan: 100” không phải một bậc: hãy ghi tỷ lệ và phần trăm điểm tối đa, ví dụ “90: 100”.")]


def test_criteria_cannot_be_imported_into_a_published_year(framework, tmp_path):
    _year, group = framework
    path = export(tmp_path)
    published = factories.evaluation_year(2023, status=APPRAISAL)
    change_year_status(year=published, status=EvaluationYear.Status.PUBLISHED, user=None)
    published.refresh_from_db()
    with pytest.raises(SheetError) as error, override("en"):
        import_criteria(content=path.read_bytes(), filename=path.name, year=published, agency_group=group)
    assert "2023" in error.value.problems[0].text_in("en") and "published" in error.value.problems[0].text_in("en")
    assert not Criterion.objects.filter(year=published).exists()
