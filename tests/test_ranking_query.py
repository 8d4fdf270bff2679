"""The query behind every total and rank, Score.objects.group_sums(), and the rankings build_rankings makes of it."""

from decimal import Decimal

import pytest

from rankings.selectors import PublishedYears, agency_profile, block_ranking, build_rankings
from tests import factories

pytestmark = pytest.mark.django_db


def rankings(years, blocks):
    """{(year, block name): [(rank, agency name, total, percent), ...]} as the pages read them."""
    built = build_rankings(years=years, published=PublishedYears(), blocks=blocks)
    return {
        (r.year.year, r.block.name): [(s.rank, s.name, s.total, s.percent) for s in r.standings]
        for r in built.values()
    }


@pytest.fixture
def province():
    departments, districts = factories.agency_group(name="Sở"), factories.agency_group(name="Huyện")
    y2018, y2019 = factories.evaluation_year(2018), factories.evaluation_year(2019)
    criteria = {}
    for year in (y2018, y2019):
        criteria[year.year, "dept"] = [
            factories.criterion(year, departments, "1.1", 30),
            factories.criterion(year, departments, "5.1", 20, criteria_group="policy"),
        ]
        criteria[year.year, "district"] = [factories.criterion(year, districts, "1.1", 15)]
    return departments, districts, y2018, y2019, criteria


def test_ties_share_a_rank_and_skip_the_next_listed_in_vietnamese_order(province):
    departments, _districts, _y2018, y2019, criteria = province
    infra, policy = criteria[2019, "dept"]
    for name, values in [("Yên Mỹ", (30, 10)), ("Ân Thi", (25, 10)), ("Bình Giang", (20, 15)), ("Đông", (5, 1))]:
        agency = factories.agency(departments, name=name)
        factories.score(agency, infra, values[0])
        factories.score(agency, policy, values[1])

    assert rankings([y2019], [departments])[2019, "Sở"] == [
        (1, "Yên Mỹ", 40, 80),
        (2, "Ân Thi", 35, 70),
        (2, "Bình Giang", 35, 70),
        (4, "Đông", 6, 12),
    ]
    leader = block_ranking(published=PublishedYears(), year=y2019, block=departments).leader
    assert (leader.rank, leader.total, leader.groups) == (1, 40, {"infrastructure": 30, "policy": 10})


def test_each_block_and_each_year_is_ranked_separately(province):
    departments, districts, y2018, y2019, criteria = province
    finance, district = factories.agency(departments, name="Tài chính"), factories.agency(districts, name="Văn Lâm")
    builder = factories.agency(departments, name="Xây dựng")
    factories.score(finance, criteria[2019, "dept"][0], 20)
    factories.score(builder, criteria[2019, "dept"][0], 25)
    factories.score(district, criteria[2019, "district"][0], "11.34")
    factories.score(finance, criteria[2018, "dept"][0], 29)
    factories.score(builder, criteria[2018, "dept"][0], 1)

    built = rankings([y2018, y2019], [departments, districts])

    assert built[2019, "Sở"] == [(1, "Xây dựng", 25, 50), (2, "Tài chính", 20, 40)]
    assert built[2018, "Sở"] == [(1, "Tài chính", 29, 58), (2, "Xây dựng", 1, 2)]
    assert built[2019, "Huyện"] == [(1, "Văn Lâm", Decimal("11.34"), Decimal("75.6"))]
    assert built[2018, "Huyện"] == []


def test_an_agency_without_scores_in_a_year_is_not_ranked_and_takes_no_rank(province):
    departments, _districts, _y2018, y2019, criteria = province
    factories.agency(departments, name="Chưa chấm")
    scored = factories.agency(departments, name="Đã chấm")
    factories.score(scored, criteria[2019, "dept"][0], 0)

    assert rankings([y2019], [departments])[2019, "Sở"] == [(1, "Đã chấm", 0, 0)]


def test_the_maximum_counts_sub_criteria_and_not_their_parent(province):
    departments, _districts, _y2018, y2019, criteria = province
    parent = factories.criterion(y2019, departments, "2.1", 10, criteria_group="it_application")
    child = factories.criterion(y2019, departments, "2.1.1", 10, criteria_group="it_application", parent=parent)
    agency = factories.agency(departments)
    factories.score(agency, child, "6")

    [(_rank, _name, total, percent)] = rankings([y2019], [departments])[2019, "Sở"]

    assert (total, percent) == (6, 10)  # of 30 + 20 + 10: the parent's 10 is not counted twice


def test_a_percent_is_rounded_to_the_cent_halves_up():
    departments, year = factories.agency_group(name="Sở"), factories.evaluation_year(2019)
    criterion = factories.criterion(year, departments, "1.1", 8)
    factories.score(factories.agency(departments), criterion, "0.01")  # 0.125 %

    [(_rank, _name, _total, percent)] = rankings([year], [departments])[2019, "Sở"]

    assert percent == Decimal("0.13")


def test_decimal_totals_that_are_equal_tie_on_every_database(province):
    departments, _districts, _y2018, y2019, criteria = province
    # 0.1 + 0.2 differs from 0.3 in floating point: the query must still call it a tie.
    extra = factories.criterion(y2019, departments, "1.2", 10)
    one, two = factories.agency(departments, name="A"), factories.agency(departments, name="B")
    factories.score(one, criteria[2019, "dept"][0], "0.1")
    factories.score(one, extra, "0.2")
    factories.score(two, criteria[2019, "dept"][0], "0.3")

    ranking = block_ranking(published=PublishedYears(), year=y2019, block=departments)
    assert [s.rank for s in ranking.standings] == [1, 1]


def test_an_agency_moved_to_another_block_keeps_its_place_where_it_was_scored(province):
    departments, districts, y2018, _y2019, criteria = province
    moved = factories.agency(departments, name="Sở Ngoại vụ")
    factories.score(moved, criteria[2018, "dept"][0], 12)
    moved.group = districts
    moved.save()

    assert rankings([y2018], [departments]) == {(2018, "Sở"): [(1, "Sở Ngoại vụ", 12, 24)]}
    assert rankings([y2018], [districts]) == {(2018, "Huyện"): []}


def test_a_criteria_group_exactly_at_the_agencys_own_ratio_is_neither_strength_nor_weakness(db):
    group = factories.agency_group(slug="khoi")
    year = factories.evaluation_year(2024)
    agency = factories.agency(group, name="Sở A")
    factories.score(agency, factories.criterion(year, group, "1.1", 30), 20)
    factories.score(agency, factories.criterion(year, group, "2.1", 270, criteria_group="it_application"), 180)
    block = block_ranking(published=PublishedYears(), year=year, block=group)
    standing = block.standing_of(agency.pk)
    profile = agency_profile(agency, block, standing)
    assert standing.percent == Decimal("66.67")  # 200 of 300, and each group 20 of 30, 180 of 270
    assert (profile["strong_groups"], profile["weak_groups"]) == ([], [])
