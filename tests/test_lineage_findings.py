"""What a review of the scoring methods and the reorganisation found, each kept from coming back."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies.models import Succession
from criteria.models import EvaluationYear
from criteria.rules import Rule
from criteria.services import change_year_status, copy_criteria
from rankings.models import Score
from rankings.selectors import PublishedYears, agency_lineage, block_members, block_ranking
from rankings.services import save_agency_scores
from tests import factories

pytestmark = pytest.mark.django_db
Status = EvaluationYear.Status


@pytest.fixture
def merged():
    """Sở A absorbed Sở B in 2025; 2026 is a draft with one criterion."""
    block = factories.agency_group(name="Sở, ban, ngành", slug="so")
    a, b = factories.agency(block, name="Sở A"), factories.agency(block, name="Sở B")
    Succession.objects.create(year=2025, kind=Succession.Kind.MERGED, predecessor=b, successor=a)
    year = factories.evaluation_year(2026, status=Status.APPRAISAL)
    return block, year, factories.criterion(year, block, "1.1", 10), a, b


def test_an_agency_that_no_longer_exists_takes_no_score_and_is_no_member(merged):
    block, year, criterion, a, b = merged
    with pytest.raises(ValidationError, match="không còn tồn tại trong năm 2026"):
        save_agency_scores(agency=b, year=year, changes={criterion.pk: {"value": Decimal(5)}}, user=None)
    assert not Score.objects.filter(agency=b).exists()
    assert [member.agency for member in block_members(year, block)] == [a]


def test_a_block_that_does_not_exist_that_year_takes_no_participant(merged):
    block, year, criterion, a, _b = merged
    block.last_year = 2025
    block.save()
    with pytest.raises(ValidationError, match="không có trong năm 2026"):
        save_agency_scores(agency=a, year=year, changes={criterion.pk: {"value": Decimal(5)}}, user=None)


def test_a_succession_refuses_to_end_an_agency_that_takes_part_then(merged):
    block, year, criterion, a, b = merged
    save_agency_scores(agency=a, year=year, changes={criterion.pk: {"value": Decimal(5)}}, user=None)
    with pytest.raises(ValidationError, match="không thể kết thúc"):
        Succession(year=2026, kind=Succession.Kind.DISSOLVED, predecessor=a).full_clean()
    new = factories.agency(block, name="Sở C")
    factories.participant(factories.evaluation_year(2024), new)
    with pytest.raises(ValidationError, match="không thể bắt đầu"):
        Succession(year=2026, kind=Succession.Kind.RENAMED, predecessor=factories.agency(block, name="Sở D"),
                   successor=new).full_clean()


def test_a_self_assessment_stays_checked_under_a_not_applicable_mark(merged):
    block, year, _criterion, a, _b = merged
    ratio = factories.criterion(year, block, "1.2", 10, rule=Rule.RATIO)
    for reported in ({"reported_numerator": Decimal(5), "reported_denominator": Decimal(0)},
                     {"reported_numerator": Decimal(50), "reported_denominator": Decimal(5)}):
        with pytest.raises(ValidationError):
            save_agency_scores(agency=a, year=year, user=None, changes={ratio.pk: {
                "not_applicable": True, "not_applicable_reason": "Không có", **reported}})
    assert not Score.objects.filter(criterion=ratio).exists()


def test_the_place_in_the_block_and_the_average_radar_count_the_ranked_only(client):
    block = factories.agency_group(name="Khối", slug="khoi")
    year = factories.evaluation_year(2024, status=Status.APPRAISAL)
    first, second = factories.criterion(year, block, "1.1", 10), factories.criterion(year, block, "1.2", 10)
    top, middle, bottom = (factories.agency(block, name=name) for name in ("Sở Một", "Sở Hai", "Sở Ba"))
    for agency, points in ((top, 10), (middle, 6), (bottom, 4)):
        save_agency_scores(agency=agency, year=year, user=None, changes={first.pk: {"value": Decimal(points)}})
    save_agency_scores(agency=middle, year=year, user=None, changes={second.pk: {
        "not_applicable": True, "not_applicable_reason": "Không có"}})
    save_agency_scores(agency=bottom, year=year, user=None, changes={second.pk: {"value": Decimal(4)}})
    factories.leave_out(year, top, "Đang sáp nhập")
    change_year_status(year=year, status=Status.PUBLISHED, user=None)

    ranking = block_ranking(published=PublishedYears(), year=year, block=block)
    assert [(s.name, s.rank) for s in ranking.standings] == [("Sở Hai", 1), ("Sở Ba", 2), ("Sở Một", None)]
    # The block's radar: what the ranked achieved of what applies to them, 6 + 8 of 10 + 20 (not of 40).
    assert ranking.group_percents()["infrastructure"] == Decimal("46.67")
    page = client.get(f"/agencies/{middle.slug}/").content.decode()
    assert "cao hơn 1 trong số 2 cơ quan" in page  # the unranked Sở Một (10 points) is not counted


def test_a_renamed_agencys_page_shows_its_forebears_back_through_every_rename():
    block = factories.agency_group(name="Khối", slug="khoi")
    first, middle, last = (factories.agency(block, name=name) for name in ("Sở Cũ", "Sở Giữa", "Sở Mới"))
    Succession.objects.create(year=2021, kind=Succession.Kind.RENAMED, predecessor=first, successor=middle)
    Succession.objects.create(year=2025, kind=Succession.Kind.RENAMED, predecessor=middle, successor=last)
    lineage = agency_lineage(last, until=2025)
    assert [s.predecessor for s in lineage.forebears] == [middle, first]
    assert agency_lineage(last, until=2024).forebears == []  # a change still to come is not told


def test_a_copy_leaves_out_the_blocks_that_have_ended():
    departments = factories.agency_group(name="Sở", slug="so")
    districts = factories.agency_group(name="Huyện", slug="huyen", last_year=2024)
    source = factories.evaluation_year(2024, published=False)
    factories.criterion(source, departments, "1.1", 10)
    factories.criterion(source, districts, "1.1", 10)
    target, count = copy_criteria(source=source, target_year=2025, user=None)
    assert count == 1
    assert list(target.criteria.values_list("agency_group__slug", flat=True)) == ["so"]
    assert not target.criteria_groups.filter(agency_group=districts).exists()


def test_a_reporter_sees_no_points_relative_to_the_best_nor_a_total_holding_them_before_publication(client, people):
    block = factories.agency_group(name="Khối", slug="khoi")
    year = factories.evaluation_year(2024, status=Status.EXPLANATION)  # the agency sees its appraisal
    relative = factories.criterion(year, block, "1.1", 10, rule=Rule.RELATIVE)
    mine, theirs = factories.agency(block, name="Sở Mình"), factories.agency(block, name="Sở Khác")
    save_agency_scores(agency=mine, year=year, user=None, changes={relative.pk: {"numerator": Decimal(30)}})
    save_agency_scores(agency=theirs, year=year, user=None, changes={relative.pk: {"numerator": Decimal(120)}})
    client.force_login(people.reporter(mine))
    entry = reverse("admin:rankings_score_entry_form", kwargs={"agency_id": mine.pk, "year": 2024})

    page = client.get(entry).content.decode()
    assert "= 2,5" not in page and "2,5</strong>" not in page  # 30 ÷ 120 × 10 would tell the other's 120
    assert "Tổng điểm được hiển thị khi kết quả năm được công bố" in page

    change_year_status(year=year, status=Status.PUBLISHED, user=None)
    assert "= 2,5" in client.get(entry).content.decode()
