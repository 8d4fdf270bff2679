"""What an attack on the scoring-method screens found, each kept from coming back."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from common.numbers import cents
from criteria.models import EvaluationYear
from criteria.rules import Rule
from criteria.services import change_year_status, copy_criteria
from imports.importing import apply_import
from imports.score_sheet import to_xlsx
from rankings.models import Participant, Score
from rankings.selectors import PublishedYears, block_ranking
from rankings.services import save_agency_scores, scores_version
from tests import factories, sheets

pytestmark = pytest.mark.django_db
Status = EvaluationYear.Status


@pytest.fixture
def framework():
    """A block of three agencies under appraisal: 1.1 in points (10), 1.2 a ratio (20), 1.3 relative to the best
    (10), each agency scored."""
    block = factories.agency_group(name="Sở, ban, ngành", slug="so-ban-nganh")
    year = factories.evaluation_year(2024, status=Status.APPRAISAL)
    points = factories.criterion(year, block, "1.1", 10)
    ratio = factories.criterion(year, block, "1.2", 20, rule=Rule.RATIO, unit="hồ sơ")
    relative = factories.criterion(year, block, "1.3", 10, rule=Rule.RELATIVE)
    agencies = [factories.agency(block, name=name) for name in ("Sở A", "Sở B", "Sở C")]
    for n, agency in enumerate(agencies, start=1):
        save_agency_scores(agency=agency, year=year, user=None, changes={
            points.pk: {"value": Decimal(n)},
            ratio.pk: {"numerator": Decimal(n * 10), "denominator": Decimal(40)},
            relative.pk: {"numerator": Decimal(n * 100)},
        })
    return block, year, (points, ratio, relative), agencies


def stored(agency, criterion):
    return Score.objects.get(agency=agency, criterion=criterion)


def test_marking_a_computed_criterion_not_applicable_clears_its_points_in_one_save(framework):
    _block, year, (_points, ratio, _relative), (first, *_others) = framework
    assert stored(first, ratio).value == 5

    save_agency_scores(agency=first, year=year, user=None, changes={ratio.pk: {
        "not_applicable": True, "not_applicable_reason": "Không có thủ tục", "numerator": None, "denominator": None}})

    score = stored(first, ratio)
    assert (score.not_applicable, score.value, score.numerator) == (True, None, None)


def test_an_import_marks_a_computed_criterion_not_applicable_over_stored_points(framework):
    block, year, (_points, ratio, _relative), (first, *_others) = framework
    content = sheets.xlsx([["Tên cơ quan", "1.2 số liệu", "1.2 tổng số"], ["Sở A", "Không áp dụng", None]])

    apply_import(content=content, filename="kad.xlsx", year=year, agency_group=block, user=None)

    score = stored(first, ratio)
    assert (score.not_applicable, score.value) == (True, None)
    assert score.not_applicable_reason == "Không áp dụng theo bảng điểm kad.xlsx"


def test_the_score_sheet_goes_back_in_unchanged_with_figures_and_marks(framework):
    block, year, (points, _ratio, _relative), (first, *_others) = framework
    save_agency_scores(agency=first, year=year, user=None, changes={points.pk: {
        "value": None, "not_applicable": True, "not_applicable_reason": "Không có"}})
    before = list(Score.objects.order_by("pk").values("value", "not_applicable", "numerator", "denominator"))

    outcome = apply_import(content=to_xlsx(year, block), filename="bang-diem.xlsx", year=year, agency_group=block,
                           user=None)

    assert (outcome.created, outcome.updated) == (0, 0)
    assert list(Score.objects.order_by("pk").values("value", "not_applicable", "numerator", "denominator")) == before


def test_a_group_with_criteria_stays_in_its_year_and_block(framework):
    block, year, (points, *_rest), _agencies = framework
    group = points.criteria_group
    group.agency_group = factories.agency_group(name="Xã")
    with pytest.raises(ValidationError, match="không thể chuyển sang năm hoặc khối khác"):
        group.full_clean()
    group.agency_group, group.year = block, factories.evaluation_year(2025, published=False)
    with pytest.raises(ValidationError):
        group.full_clean()


def test_a_new_maximum_recomputes_a_computed_criterions_points(framework):
    _block, _year, (_points, ratio, _relative), (first, *_others) = framework
    ratio.max_points = Decimal(10)
    ratio.full_clean()
    ratio.save()
    assert stored(first, ratio).value == Decimal("2.50")  # 10/40 × 10


def test_a_scored_criterion_keeps_its_rule_its_parent_and_a_maximum_above_its_scores(framework):
    _block, year, (points, ratio, _relative), _agencies = framework
    points.rule = Rule.YES_NO
    with pytest.raises(ValidationError, match="không thể đổi cách tính điểm"):
        points.full_clean()
    points.rule, points.max_points = Rule.POINTS, Decimal(2)  # Sở C holds 3
    with pytest.raises(ValidationError, match="lớn hơn 2"):
        points.full_clean()
    sub = type(points)(year=year, agency_group=points.agency_group, criteria_group=points.criteria_group,
                       parent=ratio, code="1.2.1", name="Con", max_points=5)
    with pytest.raises(ValidationError, match="không thể thêm tiêu chí con"):
        sub.full_clean()


def test_tiers_written_as_not_a_number_are_refused_with_a_message(framework):
    _block, _year, (points, *_rest), _agencies = framework
    fresh = type(points)(year=points.year, agency_group=points.agency_group, criteria_group=points.criteria_group,
                         code="9.9", name="Bậc", max_points=5, rule=Rule.TIERS, tiers="NaN: 100")
    with pytest.raises(ValidationError, match="không phải một bậc"):
        fresh.full_clean()


def test_an_agency_to_which_no_criterion_applies_is_shown_but_not_ranked_graded_or_averaged(framework):
    _block, year, criteria, (first, second, third) = framework
    save_agency_scores(agency=first, year=year, user=None, changes={
        c.pk: {"value": None, "numerator": None, "denominator": None, "not_applicable": True,
               "not_applicable_reason": "Không áp dụng"} for c in criteria})

    ranking = block_ranking(published=PublishedYears(), year=year, block=criteria[0].agency_group)

    nothing = ranking.standing_of(first.pk)
    assert (nothing.rank, nothing.band, nothing.ranked) == (None, None, False)
    assert nothing.unranked_reason
    assert [s.rank for s in ranking.standings if s.ranked] == [1, 2]
    assert ranking.average()["total"] == cents((ranking.standing_of(second.pk).total
                                                + ranking.standing_of(third.pk).total) / 2)


def test_a_reporter_never_sees_points_relative_to_other_agencies_figures(framework, people):
    _block, year, (_points, _ratio, relative), (first, *_others) = framework
    change_year_status(year=year, status=Status.SELF_ASSESSMENT, user=None, reason="báo cáo lại")
    save_agency_scores(agency=first, year=year, user=people.reporter(first),
                       changes={relative.pk: {"reported_numerator": Decimal(50)}})
    assert stored(first, relative).self_assessed is None


def test_another_agencys_figure_does_not_make_this_agencys_open_form_stale(framework):
    _block, year, (_points, _ratio, relative), (first, second, _third) = framework
    opened = scores_version(first, year)
    save_agency_scores(agency=second, year=year, user=None, changes={relative.pk: {"numerator": Decimal(900)}})
    assert stored(first, relative).value == Decimal("1.11")  # 100 ÷ 900 × 10: its points did move
    assert scores_version(first, year) == opened


def test_a_reason_that_shows_nothing_is_no_reason_and_a_reason_without_its_mark_is_dropped(framework):
    _block, year, (points, *_rest), (first, *_others) = framework
    with pytest.raises(ValidationError, match="hãy ghi lý do không áp dụng"):
        save_agency_scores(agency=first, year=year, user=None, changes={points.pk: {
            "value": None, "not_applicable": True, "not_applicable_reason": "\u200b \u00a0"}})
    save_agency_scores(agency=first, year=year, user=None, changes={points.pk: {
        "not_applicable": False, "not_applicable_reason": "lý do lạc"}})
    assert stored(first, points).not_applicable_reason == ""


def test_copying_criteria_into_a_year_that_has_groups_is_refused_with_a_message(framework):
    _block, year, (points, *_rest), _agencies = framework
    target = factories.evaluation_year(2030, published=False)
    factories.criteria_group_of(target, points.agency_group, "infrastructure")
    with pytest.raises(ValidationError, match="đã có tiêu chí hoặc nhóm tiêu chí"):
        copy_criteria(source=year, target_year=2030, user=None)
    assert not target.criteria.exists()


def test_an_unranked_agency_shows_no_change_and_its_reasons_are_in_plain_sight(client, framework):
    block, year, (points, *_rest), (first, second, _third) = framework
    factories.leave_out(year, second, "Chưa có dịch vụ công")
    save_agency_scores(agency=first, year=year, user=None, changes={points.pk: {
        "value": None, "not_applicable": True, "not_applicable_reason": "Không có máy chủ riêng"}})
    change_year_status(year=year, status=Status.PUBLISHED, user=None)

    ranking_page = client.get(f"/rankings/2024/{block.slug}/").content.decode()
    agency_page = client.get(f"/agencies/{first.slug}/").content.decode()

    row = ranking_page[ranking_page.index(f'{second.name}</a>'):]
    row = row[:row.index("</tr>")]
    assert "mới" not in row and "new" not in row
    assert "Sở B: Chưa có dịch vụ công" in ranking_page
    assert "Không có máy chủ riêng" in agency_page


@pytest.mark.parametrize("agency_id", ["abc", "1.5"])
def test_a_malformed_agency_id_gets_the_forms_message_not_a_server_error(client, people, framework, agency_id):
    block, year, _criteria, _agencies = framework
    client.force_login(people.ict)
    before = Participant.objects.count()
    response = client.post(reverse("admin:rankings_participant_add"),
                           {"year": year.pk, "agency": agency_id, "block": block.pk, "name": "Thử"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["agency"]
    assert Participant.objects.count() == before
