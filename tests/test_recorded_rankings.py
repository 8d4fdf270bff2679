"""A published year's results are recorded as it is published (rankings/records.py) and read from the record."""

import threading
import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency, AgencyGroup
from common.data_version import data_version
from criteria.models import CriteriaGroup, EvaluationYear
from criteria.rules import Rule
from criteria.services import change_year_status
from rankings.apps import _record_published_years
from rankings.models import Band, Participant, RecordedRanking
from rankings.records import record_rankings
from rankings.selectors import (
    AgencyResult,
    PublishedYears,
    best_figures,
    blocks_of,
    build_rankings,
    computed_results,
    decoded_standings,
    recorded_results,
)
from rankings.services import save_agency_scores
from tests import factories

pytestmark = pytest.mark.django_db
Status = EvaluationYear.Status
SHOWN = ("agency_id", "name", "short_name", "slug", "sort_key", "search_text", "points", "excluded",
         "applicable_max", "total", "percent", "groups", "group_excluded", "unranked_reason", "rank", "rank_change",
         "band", "predecessors")


def every_ranking():
    """Every published year's rankings in every block, as the pages read them: [(year, block, [standing fields])]."""
    published = PublishedYears()
    blocks = list(AgencyGroup.objects.all())
    by_pair = build_rankings(years=list(published), published=published, blocks=blocks)
    return {key: ([(g.code, str(g.criteria_group), g.criteria_group.localized_short_name, g.maximum)
                   for g in ranking.group_maxima],
                  [(*(getattr(s, name) for name in SHOWN), str(s.band), tuple(s.groups)) for s in ranking.standings],
                  ranking.best_figures if ranking.best_figures is not None
                  else best_figures(ranking.year, ranking.block))
            for key, ranking in by_pair.items()}


def test_the_record_holds_what_the_scores_give(demo):
    recorded = every_ranking()
    assert RecordedRanking.objects.count() > 0
    assert any(standings for _groups, standings, _best in recorded.values())
    assert any(best for _groups, _standings, best in recorded.values())  # the demo scores a criterion so
    RecordedRanking.objects.all().delete()  # computed from the scores again
    assert every_ranking() == recorded


def test_a_recorded_year_is_read_without_its_scores(client, demo):
    year = EvaluationYear.objects.published().latest("year")
    block = blocks_of(year).first()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/rankings/{year.year}/{block.slug}/").status_code == 200
    assert not [q["sql"] for q in queries if "rankings_score" in q["sql"]]
    RecordedRanking.objects.filter(year=year).delete()
    cache.clear()  # a new data version, as the commit of taking a year back makes (nothing is read of the last one)
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/rankings/{year.year}/{block.slug}/")
    assert [q["sql"] for q in queries if "rankings_score" in q["sql"]]  # without its record: from the scores


def results_of(record):
    codes = [RecordedRanking.restore(CriteriaGroup, group).code for group, _maximum in record.groups]
    return [AgencyResult.from_record(agency, codes) for agency in record.standings]


@pytest.fixture
def published_year():
    block = factories.agency_group(name="Sở, ban, ngành", slug="so")
    year = factories.evaluation_year(2024, status=Status.APPRAISAL)
    first, second = factories.criterion(year, block, "1.1", 10), factories.criterion(year, block, "1.2", 10)
    a, b = factories.agency(block, name="Sở A"), factories.agency(block, name="Sở B")
    save_agency_scores(agency=a, year=year, user=None, changes={first.pk: {"value": Decimal(8)},
                                                                second.pk: {"value": Decimal(7)}})
    save_agency_scores(agency=b, year=year, user=None, changes={
        first.pk: {"value": Decimal(9)}, second.pk: {"not_applicable": True, "not_applicable_reason": "Không có"}})
    change_year_status(year=year, status=Status.PUBLISHED, user=None)
    return year, block, first, (a, b)


def test_publishing_records_the_year_and_taking_it_back_forgets_it(client, published_year,
                                                                   django_capture_on_commit_callbacks):
    year, block, first, (a, b) = published_year
    [record] = RecordedRanking.objects.filter(year=year)
    assert record.block == block
    assert {r.agency_id: (r.total, r.percent) for r in results_of(record)} == {
        a.pk: (15, 75), b.pk: (18, 90)}  # Sở B: 9 of the 10 points that apply, converted
    assert "<td class=\"col-rank\">1</td><td class=\"col-agency\"><a href=\"/agencies/so-b/" in client.get(
        "/rankings/2024/so/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # each change commits: a new data version
        change_year_status(year=year, status=Status.APPRAISAL, user=None, reason="Sở A khiếu nại")
    assert not RecordedRanking.objects.filter(year=year).exists()
    with django_capture_on_commit_callbacks(execute=True):
        save_agency_scores(agency=a, year=year, user=None, changes={first.pk: {"value": Decimal(10)}})
        change_year_status(year=year, status=Status.PUBLISHED, user=None)
    [record] = RecordedRanking.objects.filter(year=year)
    assert {r.agency_id: r.total for r in results_of(record)} == {a.pk: Decimal(17), b.pk: Decimal(18)}
    assert [(r["agency"]["name"], r["total"]) for r in client.get("/rankings/2024/so.json").json()["results"]] == [
        ("Sở B", 18), ("Sở A", 17)]


def test_what_may_change_while_published_is_read_beside_the_record(client, published_year):
    year, block, _first, (a, _b) = published_year
    Agency.objects.filter(pk=a.pk).update(slug="so-a-moi")  # today's address
    Band.objects.create(name="Xuất sắc", min_percent=Decimal(90))
    page = client.get("/rankings/2024/so/").content.decode()
    assert 'href="/agencies/so-a-moi/?year=2024"' in page
    assert "Xuất sắc" in page
    assert RecordedRanking.objects.get(year=year).standings  # still the record: nothing of it changed


def test_a_change_to_a_draft_year_leaves_the_published_record_alone(published_year):
    year, block, _first, (a, _b) = published_year
    record = RecordedRanking.objects.get(year=year)
    draft = factories.evaluation_year(2025, published=False)
    criterion = factories.criterion(draft, block, "1.1", 10)
    save_agency_scores(agency=a, year=draft, user=None, changes={criterion.pk: {"value": Decimal(3)}})
    assert RecordedRanking.objects.get(year=year) == record  # the same row: not recorded again
    assert not RecordedRanking.objects.filter(year=draft).exists()


def shown(client):
    """Sở B's and Sở A's places as the year's JSON download shows them."""
    cache.clear()
    results = client.get("/rankings/2024/so.json").json()["results"]
    return [(r["agency"]["name"], r["total"], r["rank"]) for r in results]


def test_publishing_again_records_afresh_whatever_took_the_year_back(client, published_year):
    year, _block, first, (a, _b) = published_year
    stale = EvaluationYear.objects.get(pk=year.pk)  # read while published
    # Taken back around the service (a shell's bulk update): the record stays, but no page shows a year not published.
    EvaluationYear.objects.filter(pk=year.pk).update(status=Status.APPRAISAL, published_on=None)
    assert client.get("/rankings/2024/so.json").status_code == 404
    stale.note = "Ghi chú"
    stale.save(update_fields=["note"])  # an out-of-date object saved: the status stored is what counts
    year.refresh_from_db()
    save_agency_scores(agency=a, year=year, user=None, changes={first.pk: {"value": Decimal(1)}})
    change_year_status(year=year, status=Status.PUBLISHED, user=None)
    assert shown(client) == [("Sở B", 18, 1), ("Sở A", 8, 2)]


def test_a_relative_criterion_without_an_appraised_figure_is_published_and_shown(client):
    """A year may be published incomplete: a criterion relative to the block's best whose figures are only reported
    has no best figure; its record says so, and every page reads it."""
    block = factories.agency_group(name="Sở, ban, ngành", slug="so")
    year = factories.evaluation_year(2024, status=Status.APPRAISAL)
    points = factories.criterion(year, block, "1.1", 10)
    relative = factories.criterion(year, block, "1.2", 10, rule=Rule.RELATIVE)
    agency = factories.agency(block, name="Sở A")
    save_agency_scores(agency=agency, year=year, user=None, changes={
        points.pk: {"value": Decimal(8)}, relative.pk: {"reported_numerator": Decimal(5)}})
    change_year_status(year=year, status=Status.PUBLISHED, user=None)
    assert RecordedRanking.objects.get(year=year).best_figures == {}
    for url in ("/", "/rankings/2024/so/", "/rankings/2024/so.json", f"/agencies/{agency.slug}/"):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db(transaction=True)
def test_the_freeze_holds_the_year_until_a_change_checked_against_it_commits():
    """An edit checked while the year is under appraisal, then published by someone else before the edit commits:
    the publication waits for it, so the record holds it (PostgreSQL; SQLite writes one transaction at a time)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one transaction write at a time")
    block = factories.agency_group(name="Sở, ban, ngành", slug="so")
    year = factories.evaluation_year(2024, status=Status.APPRAISAL)
    criterion = factories.criterion(year, block, "1.1", 10)
    a, b = factories.agency(block, name="Sở A"), factories.agency(block, name="Sở B")
    for agency, value in ((a, 9), (b, 5)):
        save_agency_scores(agency=agency, year=year, user=None, changes={criterion.pk: {"value": Decimal(value)}})
    checked, publishing = threading.Event(), threading.Event()

    def edit():  # as the admin does: validated, then saved, in one transaction
        try:
            with transaction.atomic():
                participant = Participant.objects.get(year=year, agency=a)
                participant.unranked_reason = "Không nộp báo cáo đúng hạn"
                participant.full_clean()
                participant.save()
                checked.set()
                publishing.wait(5)
                time.sleep(0.5)  # the publication, started meanwhile, must wait for this commit
        finally:
            connections.close_all()

    def publish():
        try:
            checked.wait(5)
            publishing.set()
            change_year_status(year=EvaluationYear.objects.get(pk=year.pk), status=Status.PUBLISHED, user=None)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit), threading.Thread(target=publish)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    [record] = RecordedRanking.objects.filter(year=year)
    assert {r.agency_id: r.unranked_reason for r in results_of(record)} == {
        a.pk: "Không nộp báo cáo đúng hạn", b.pk: ""}


def test_migrating_back_to_before_records_records_nothing(published_year):
    """After `migrate rankings 0013` the table is gone: the step that records the published years again skips."""
    before = MigrationLoader(connection).project_state(("rankings", "0013_covering_score_index")).apps
    with CaptureQueriesContext(connection) as queries:
        _record_published_years(apps=before)  # rankings' post_migrate step, as `migrate` calls it
    assert not [q["sql"] for q in queries if "recordedranking" in q["sql"]]


def test_each_migration_records_the_published_years_again(published_year, django_capture_on_commit_callbacks):
    """A database from before records, or from before a change of how they are written, gets them by migrating; the
    running workers then read them anew (a new data version)."""
    year, block, _first, _agencies = published_year
    expected = RecordedRanking.objects.get(year=year).standings
    RecordedRanking.objects.all().delete()
    version = data_version()
    with django_capture_on_commit_callbacks(execute=True):
        emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)
    assert RecordedRanking.objects.get(year=year).standings == expected
    assert data_version() != version


def test_a_record_is_the_computation_stored(published_year):
    """The record holds computed_results' numbers, decimals as text, and reads back as the same."""
    year, block, _first, _agencies = published_year
    year.refresh_from_db()
    computed = computed_results({year.pk: year}, [block])
    record_rankings(year)
    assert RecordedRanking.objects.get(year=year).standings == [
        agency.as_record([g.code for g in computed[year.pk, block.pk].group_maxima])
        for agency in computed[year.pk, block.pk].agencies]


def test_a_process_decodes_each_record_once_and_a_new_record_afresh(published_year):
    """decoded_standings keeps what it decoded by the record's text: read again, the same numbers, not decoded
    again; recorded again with other numbers, decoded afresh. What it hands out cannot be changed by a caller."""
    year, block, first, (a, b) = published_year

    def totals():
        published = PublishedYears()
        ranking = build_rankings(years=[published.get(year.year)], published=published, blocks=[block])
        return {s.agency_id: s.total for s in ranking[year.pk, block.pk].standings}

    decoded_standings.cache_clear()
    assert totals() == totals() == {a.pk: Decimal(15), b.pk: Decimal(18)}
    assert (decoded_standings.cache_info().misses, decoded_standings.cache_info().hits) == (1, 1)
    recorded = recorded_results([PublishedYears().get(year.year)], [block.pk])[year.pk, block.pk]
    [agency_result] = [r for r in recorded.agencies if r.agency_id == a.pk]
    with pytest.raises(AttributeError):
        agency_result.total = Decimal(100)
    with pytest.raises(TypeError):
        agency_result.groups[next(iter(agency_result.groups))] = Decimal(100)
    with pytest.raises(TypeError):
        recorded.best_figures[first.pk] = Decimal(100)

    change_year_status(year=year, status=Status.APPRAISAL, user=None, reason="Sở A khiếu nại")
    save_agency_scores(agency=a, year=year, user=None, changes={first.pk: {"value": Decimal(10)}})
    change_year_status(year=year, status=Status.PUBLISHED, user=None)
    assert totals()[a.pk] == Decimal(17)
    assert decoded_standings.cache_info().misses == 2
