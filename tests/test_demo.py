"""Every fact of shared/seed/hung-yen-2019.md holds in the loaded demo."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from agencies.models import Agency, AgencyGroup
from criteria.models import Criterion, EvaluationYear
from rankings.models import Participant, Score
from rankings.selectors import PublishedYears, block_ranking, build_rankings

GROUP_CODES = ["infrastructure", "it_application", "online_services", "human_resources", "policy"]


def ranking_2019(block_slug):
    """The block's standings in 2019, as every page and download reads them."""
    published = PublishedYears()
    return block_ranking(published=published, year=published.get(2019),
                         block=AgencyGroup.objects.get(slug=block_slug)).standings


@pytest.fixture
def departments(demo):
    return ranking_2019("so-ban-nganh")


@pytest.fixture
def districts(demo):
    return ranking_2019("ubnd-huyen")


def test_both_years_are_published_with_a_note_that_says_what_is_illustrative(demo):
    years = {year.year: year for year in EvaluationYear.objects.all()}
    assert set(years) == {2018, 2019, 2025}
    assert all(year.is_published and year.published_on for year in years.values())
    assert all("minh họa" in year.note for year in years.values())


def test_blocks_are_scored_out_of_500_and_150(demo):
    published = PublishedYears()
    maxima = {group.slug: block_ranking(published=published, year=published.get(2019), block=group).max_total
              for group in AgencyGroup.objects.in_year(2019)}
    assert maxima == {"so-ban-nganh": 500, "ubnd-huyen": 150}


def test_at_least_15_departments_and_the_10_districts_are_ranked(departments, districts):
    assert len(departments) >= 15
    assert len(districts) == 10


def test_every_criteria_group_has_criteria_in_both_blocks(demo):
    for slug in ("so-ban-nganh", "ubnd-huyen"):
        codes = set(Criterion.objects.filter(year__year=2019, agency_group__slug=slug)
                    .values_list("criteria_group__code", flat=True))
        assert codes == set(GROUP_CODES)


def test_finance_leads_the_departments_with_413_and_its_standout_groups(departments):
    finance = departments[0]
    assert finance.name == "Sở Tài chính"
    assert finance.rank == 1 and finance.total == 413
    groups = finance.groups
    assert (groups["infrastructure"], groups["online_services"], groups["policy"]) == (50, 77, 90)


def test_finance_standout_groups_are_its_three_strongest_relative_to_their_maxima(demo, departments):
    finance = departments[0]
    maxima = {code: sum(Criterion.objects.scorable().filter(
        year__year=2019, agency_group__slug="so-ban-nganh", criteria_group__code=code
    ).values_list("max_points", flat=True)) for code in GROUP_CODES}
    share = {code: finance.groups[code] / maxima[code] for code in GROUP_CODES}
    strongest = sorted(GROUP_CODES, key=share.get, reverse=True)[:3]
    assert set(strongest) == {"infrastructure", "online_services", "policy"}


def test_construction_then_transport_then_ict_with_410_5(departments):
    assert [row.name for row in departments[1:4]] == [
        "Sở Xây dựng", "Sở Giao thông vận tải", "Sở Thông tin và Truyền thông",
    ]
    ict = departments[3]
    assert ict.rank == 4
    assert ict.total == Decimal("410.5")
    assert (ict.groups["it_application"], ict.groups["online_services"]) == (90, 60)


def test_labour_and_culture_are_last_despite_very_high_it_application(departments):
    last_two = {row.name: row for row in departments[-2:]}
    assert set(last_two) == {"Sở Lao động - Thương binh và Xã hội", "Sở Văn hóa, Thể thao và Du lịch"}
    assert last_two["Sở Lao động - Thương binh và Xã hội"].groups["it_application"] == 94
    assert last_two["Sở Văn hóa, Thể thao và Du lịch"].groups["it_application"] == 87
    for row in last_two.values():
        assert 45 <= row.groups["infrastructure"] + row.groups["human_resources"] <= 50
    assert {row.rank for row in last_two.values()} == {len(departments) - 1, len(departments)}


def test_districts_in_the_articles_order_led_by_van_lam_with_119_34(districts):
    assert [row.short_name for row in districts] == [
        "Văn Lâm", "Mỹ Hào", "Khoái Châu", "Văn Giang", "TP Hưng Yên",
        "Yên Mỹ", "Tiên Lữ", "Kim Động", "Ân Thi", "Phù Cừ",
    ]
    assert [row.rank for row in districts] == list(range(1, 11))
    assert districts[0].total == Decimal("119.34")


def test_2018_is_ranked_too_so_that_rank_changes_have_something_to_show(demo):
    published = PublishedYears()
    years = [published.get(2019), published.get(2018)]
    rankings = build_rankings(years=years, published=published, blocks=list(AgencyGroup.objects.in_year(2019)))
    by_year = {year.year: {s.agency_id: s.rank for (year_id, _block), r in rankings.items() if year_id == year.pk
                           for s in r.standings} for year in years}
    assert len(by_year[2018]) == Participant.objects.filter(year__year=2018).count() == 28
    assert all(rank for rank in by_year[2018].values())
    assert any(by_year[2019][agency] != rank for agency, rank in by_year[2018].items())


def test_loading_the_demo_twice_changes_nothing(demo):
    before = sorted(Score.objects.values_list("agency__slug", "criterion__year__year", "criterion__code", "value"))
    counts = (Agency.objects.count(), Criterion.objects.count(), EvaluationYear.objects.count())
    call_command("load_demo", verbosity=0)
    after = sorted(Score.objects.values_list("agency__slug", "criterion__year__year", "criterion__code", "value"))
    assert after == before
    assert (Agency.objects.count(), Criterion.objects.count(), EvaluationYear.objects.count()) == counts
