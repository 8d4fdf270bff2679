"""The query behind every total and rank, Score.objects.ranking(), and the percent build_rankings adds."""

from decimal import Decimal

import pytest

from rankings.models import Score
from rankings.selectors import PublishedYears, block_ranking
from tests import factories

pytestmark = pytest.mark.django_db


def ranking(**filters):
    return list(Score.objects.filter(**filters).ranking(["infrastructure", "policy"]))


def block(year, agency_group):
    return block_ranking(published=PublishedYears(), year=year, agency_group=agency_group)


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

    rows = ranking(criterion__year__year=2019)

    assert [(row["rank"], row["agency__name"], row["total"]) for row in rows] == [
        (1, "Yên Mỹ", 40),
        (2, "Ân Thi", 35),
        (2, "Bình Giang", 35),
        (4, "Đông", 6),
    ]
    first = rows[0]
    assert (first["group_infrastructure"], first["group_policy"]) == (30, 10)
    departments_2019 = block(y2019, departments)
    assert departments_2019.max_total == 50
    assert [s.percent for s in departments_2019.standings] == [80, 70, 70, 12]


def test_each_block_and_each_year_is_ranked_separately(province):
    departments, districts, _y2018, y2019, criteria = province
    finance, district = factories.agency(departments, name="Tài chính"), factories.agency(districts, name="Văn Lâm")
    builder = factories.agency(departments, name="Xây dựng")
    factories.score(finance, criteria[2019, "dept"][0], 20)
    factories.score(builder, criteria[2019, "dept"][0], 25)
    factories.score(district, criteria[2019, "district"][0], "11.34")
    factories.score(finance, criteria[2018, "dept"][0], 29)
    factories.score(builder, criteria[2018, "dept"][0], 1)

    rows = {(r["criterion__year__year"], r["agency__name"]): r for r in ranking()}

    assert rows[2019, "Xây dựng"]["rank"] == 1 and rows[2019, "Tài chính"]["rank"] == 2
    assert rows[2018, "Tài chính"]["rank"] == 1 and rows[2018, "Xây dựng"]["rank"] == 2
    assert rows[2019, "Văn Lâm"]["rank"] == 1
    assert rows[2019, "Văn Lâm"]["total"] == Decimal("11.34")
    districts_2019 = block(y2019, districts)
    assert districts_2019.max_total == 15
    assert [s.percent for s in districts_2019.standings] == [Decimal("75.6")]


def test_an_agency_without_scores_in_a_year_is_not_ranked_and_takes_no_rank(province):
    departments, _districts, _y2018, _y2019, criteria = province
    factories.agency(departments, name="Chưa chấm")
    scored = factories.agency(departments, name="Đã chấm")
    factories.score(scored, criteria[2019, "dept"][0], 0)

    rows = ranking(criterion__year__year=2019)

    assert [(row["agency__name"], row["rank"], row["total"]) for row in rows] == [("Đã chấm", 1, 0)]


def test_the_maximum_counts_sub_criteria_and_not_their_parent(province):
    departments, _districts, _y2018, y2019, criteria = province
    parent = factories.criterion(y2019, departments, "2.1", 10, criteria_group="it_application")
    child = factories.criterion(y2019, departments, "2.1.1", 10, criteria_group="it_application", parent=parent)
    agency = factories.agency(departments)
    factories.score(agency, child, "7.25")

    [row] = ranking(criterion__year__year=2019)

    assert row["total"] == Decimal("7.25")
    assert block(y2019, departments).max_total == 60  # 30 + 20 + 10, the parent's 10 not counted twice


def test_decimal_totals_that_are_equal_tie_on_every_database(province):
    departments, _districts, _y2018, y2019, criteria = province
    # 0.1 + 0.2 differs from 0.3 in floating point: the query must still call it a tie.
    extra = factories.criterion(y2019, departments, "1.2", 10)
    one, two = factories.agency(departments, name="A"), factories.agency(departments, name="B")
    factories.score(one, criteria[2019, "dept"][0], "0.1")
    factories.score(one, extra, "0.2")
    factories.score(two, criteria[2019, "dept"][0], "0.3")

    assert [row["rank"] for row in ranking(criterion__year__year=2019)] == [1, 1]
