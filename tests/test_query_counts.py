"""Every public page runs the same number of SQL queries with a few agencies or many, one year or ten."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency, AgencyGroup
from criteria import rules
from criteria.defaults import CRITERIA_GROUPS
from criteria.models import Criterion, EvaluationYear
from criteria.rules import Rule
from rankings.models import RecordedRanking, Score
from rankings.records import record_published_years
from tests import factories

pytestmark = pytest.mark.django_db

LATEST = 2030
PAGES = [
    "/",
    f"/rankings/{LATEST}/khoi-1/",
    f"/rankings/{LATEST}/khoi-1/?q=co+quan+1&sort=-group_it_application",
    "/agencies/co-quan-1-1/",
    f"/agencies/co-quan-1-1/?year={LATEST}",
    f"/agencies/co-quan-1-1/?year={LATEST}&against={LATEST - 1}",
    f"/criteria/{LATEST}/khoi-1/",
    f"/compare/?year={LATEST}&agencies=co-quan-1-1,co-quan-1-2",
    f"/en/rankings/{LATEST}/khoi-1/",
    f"/rankings/{LATEST}/khoi-1.csv",
    f"/rankings/{LATEST}/khoi-1.xlsx",
    f"/rankings/{LATEST}/khoi-1.json",
]


def grow(*, blocks, agencies, years, criteria):
    """Add blocks, agencies, older years and criteria (with sub-criteria) until the sizes are reached."""
    for b in range(1, blocks + 1):
        group, _ = AgencyGroup.objects.get_or_create(slug=f"khoi-{b}", defaults={"name": f"Khối {b}", "order": b})
        for a in range(group.agencies.count() + 1, agencies + 1):
            Agency.objects.create(name=f"Cơ quan {b}.{a}", slug=f"co-quan-{b}-{a}", group=group)
    for y in range(LATEST - years + 1, LATEST + 1):
        year, _ = EvaluationYear.objects.get_or_create(
            year=y, defaults={"status": EvaluationYear.Status.PUBLISHED, "published_on": date(y + 1, 5, 1)}
        )
        for group in AgencyGroup.objects.all():
            criteria_groups = [factories.criteria_group_of(year, group, code) for code, *_names in CRITERIA_GROUPS]
            existing = Criterion.objects.filter(year=year, agency_group=group, parent=None).count()
            for c in range(existing + 1, criteria + 1):
                criteria_group = criteria_groups[c % len(criteria_groups)]
                parent = Criterion.objects.create(year=year, agency_group=group, criteria_group=criteria_group,
                                                  code=f"{c}", name=f"Tiêu chí {c}", max_points=10, order=c)
                # Every third criterion computed from figures, every fourth relative to the block's best.
                rule = Rule.RELATIVE if c % 4 == 0 else Rule.RATIO if c % 3 == 0 else Rule.POINTS
                Criterion.objects.create(year=year, agency_group=group, criteria_group=criteria_group, parent=parent,
                                         code=f"{c}.1", name=f"Tiêu chí {c}.1", max_points=10, order=c, rule=rule)
        for agency in Agency.objects.filter(pk__in=range(0, 10_000, 10)):  # every tenth agency left out
            factories.leave_out(year, agency, "Không xếp hạng")
    scored = set(Score.objects.values_list("agency_id", "criterion_id"))
    Score.objects.bulk_create(
        score_of(agency, criterion)
        for agency in Agency.objects.all()
        for criterion in Criterion.objects.scorable().filter(agency_group=agency.group_id)
        if (agency.pk, criterion.pk) not in scored
    )


def score_of(agency, criterion):
    """Points, figures, or (one in seven) not applicable, all from the ids."""
    if (agency.pk + criterion.pk) % 7 == 0:
        return Score(agency=agency, criterion=criterion, not_applicable=True, not_applicable_reason="Không có")
    figure = Decimal((agency.pk * 7 + criterion.pk * 3) % 11 * 9) / 10
    if criterion.rule == Rule.POINTS:
        return Score(agency=agency, criterion=criterion, value=figure)
    # Computed points as recompute_points stores them; relative to a best of 9 (the figures go up to 9).
    denominator = Decimal(9) if criterion.rule == Rule.RATIO else None
    return Score(agency=agency, criterion=criterion, numerator=figure, denominator=denominator,
                 value=rules.compute(criterion, figure, denominator, best=Decimal(9)))


def queries_per_page(client, pages=PAGES, after=None):
    """Each page's queries, built anew; `after`: built after that page of the same data version, which read first what
    the pages of a version read alike (common.data_version.once_per_version)."""
    counts = {}
    for url in pages:
        cache.clear()  # the page as it is built, not a cached copy: a new data version
        if after:
            client.get(after)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(captured)
    return counts


def test_public_pages_run_the_same_number_of_queries_at_two_sizes(client):
    grow(blocks=1, agencies=2, years=2, criteria=2)  # two years: the agency page compares them
    small = queries_per_page(client)
    grow(blocks=3, agencies=40, years=10, criteria=12)
    assert Score.objects.count() == 3 * 40 * 10 * 12
    large = queries_per_page(client)
    assert large == small
    # The pages counted do show what the new features add: converted totals, agencies left out, explanations.
    ranking = client.get(f"/rankings/{LATEST}/khoi-1/").content.decode()
    assert "Số điểm quy đổi" in ranking and "Được đánh giá nhưng không xếp hạng" in ranking
    assert "không áp dụng" in client.get("/agencies/co-quan-1-1/").content.decode()
    assert all(0 < count <= 20 for count in small.values()), small


def record_every_year():
    """Published years as they are once published (rankings/records.py): the datasets above are written in bulk."""
    record_published_years()


def test_recorded_years_pages_run_the_same_number_of_queries_at_two_sizes(client):
    grow(blocks=1, agencies=2, years=2, criteria=2)
    record_every_year()
    small, small_after_home = queries_per_page(client), queries_per_page(client, after="/")
    grow(blocks=3, agencies=40, years=10, criteria=12)
    record_every_year()
    assert RecordedRanking.objects.count() == 3 * 10
    large, large_after_home = queries_per_page(client), queries_per_page(client, after="/")
    assert large == small
    assert large_after_home == small_after_home  # what a page finds kept does not depend on the sizes either
    assert small_after_home[f"/rankings/{LATEST}/khoi-1/"] < small[f"/rankings/{LATEST}/khoi-1/"]
    assert all(0 < count <= 18 for count in small.values()), small
    # Read from the records: no page sums the scores again (it did before they were recorded).
    assert 'SUM("rankings_score"."value")' in Score.objects.group_sums().query.__str__()
    with CaptureQueriesContext(connection) as captured:
        for url in PAGES:
            cache.clear()
            client.get(url)
    assert not [q["sql"] for q in captured if 'SUM("rankings_score"."value")' in q["sql"]]
