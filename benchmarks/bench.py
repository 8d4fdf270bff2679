"""`python -m benchmarks bench --size S|M|L [--json FILE]`: speed and memory as ratios measured in one run.

Builds the synthetic dataset in a throw-away database (a temporary SQLite file, or a fresh PostgreSQL database
on the server of DATABASE_URL), then measures each figure as the median of --reps repetitions.
"""

import json
import os
import statistics
import tempfile
import threading
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from unittest import mock

import tablib
from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection
from django.template.base import Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from import_export import resources

from agencies.models import Agency, AgencyGroup
from benchmarks import synthetic
from common.data_version import invalidate_public_pages
from common.numbers import cents
from criteria.models import CriteriaGroup, Criterion, EvaluationYear
from imports.importing import apply_import
from rankings.models import Score
from rankings.selectors import PublishedYears, block_ranking

IMPORT_AGENCIES, IMPORT_CRITERIA = synthetic.IMPORT_AGENCIES, synthetic.IMPORT_CRITERIA

# What a ranking shows, written by hand as one statement: each agency's name, total, criteria-group sums,
# percent of the block's maximum, rank, and places gained since the year before among those asked for, per
# year, for one block. The ranking page shows a year and its change since the previous published year, the
# agency page every published year of its block. Runs on PostgreSQL and SQLite alike.
RANKING_SQL = """
    WITH maximum AS (
        SELECT c.year_id, SUM(c.max_points) AS points
        FROM criteria_criterion c
        WHERE c.year_id IN ({years}) AND c.agency_group_id = {block}
          AND NOT EXISTS (SELECT 1 FROM criteria_criterion sub WHERE sub.parent_id = c.id)
        GROUP BY c.year_id
    ), totals AS (
        SELECT c.year_id, s.agency_id, ROUND(SUM(s.value), 2) AS total {groups}
        FROM rankings_score s JOIN criteria_criterion c ON c.id = s.criterion_id
        WHERE c.year_id IN ({years}) AND c.agency_group_id = {block} AND s.value IS NOT NULL
        GROUP BY c.year_id, s.agency_id
    ), ranked AS (
        SELECT t.*, ROUND(t.total * 100 / m.points, 2) AS percent,
               RANK() OVER (PARTITION BY t.year_id ORDER BY t.total DESC) AS rank
        FROM totals t JOIN maximum m ON m.year_id = t.year_id
    )
    SELECT a.name, a.short_name, a.slug, y.year, r.*,
           LAG(r.rank) OVER (PARTITION BY r.agency_id ORDER BY y.year) - r.rank AS rank_change
    FROM ranked r JOIN agencies_agency a ON a.id = r.agency_id JOIN criteria_evaluationyear y ON y.id = r.year_id
    ORDER BY y.year DESC, r.rank, a.sort_key
"""


# What the home page shows, as one statement: every block of the year ranked, its leaders with their totals.
HOME_SQL = """
    WITH totals AS (
        SELECT c.agency_group_id AS block_id, s.agency_id, ROUND(SUM(s.value), 2) AS total
        FROM rankings_score s JOIN criteria_criterion c ON c.id = s.criterion_id
        WHERE c.year_id = {year} AND s.value IS NOT NULL
        GROUP BY c.agency_group_id, s.agency_id
    ), ranked AS (
        SELECT t.*, RANK() OVER (PARTITION BY t.block_id ORDER BY t.total DESC) AS rank FROM totals t
    )
    SELECT g.name AS block, a.name, a.slug, r.total, r.rank
    FROM ranked r JOIN agencies_agency a ON a.id = r.agency_id JOIN agencies_agencygroup g ON g.id = r.block_id
    WHERE r.rank <= 3
    ORDER BY g."order", r.rank, a.sort_key
"""


def ranking_sql(year_ids, block_id):
    groups = "".join(f", SUM(s.value) FILTER (WHERE c.criteria_group_id = {pk}) AS group_{pk}"
                     for pk in CriteriaGroup.objects.filter(year_id__in=year_ids, agency_group_id=block_id)
                     .values_list("pk", flat=True))
    return RANKING_SQL.format(groups=groups, years=",".join(str(int(pk)) for pk in year_ids), block=int(block_id))


class PlainScoreResource(resources.ModelResource):
    """django-import-export as it comes: a ModelResource with its default options."""

    class Meta:
        model = Score
        fields = ("id", "agency", "criterion", "value")


def empty_page_cache():
    """No page cached anywhere: the shared cache emptied, and the data version moved on, so that no process (the
    bench's own clients included) serves its copy of a page."""
    cache.clear()
    invalidate_public_pages()  # outside a transaction: at once


def medians_in_turns(reps, *actions, before=None):
    """The median seconds of each action over `reps` repetitions, the actions taking turns in each one.

    On a shared, noisy machine a slow moment then falls on every action alike rather than on one figure's
    numerator, and the raw statement runs, as the page's own query does, after other work, not only after itself.
    """
    times = [[] for _ in actions]
    for _ in range(reps):
        for action, spent in zip(actions, times, strict=True):
            if before:
                before()
            start = time.perf_counter()
            action()
            spent.append(time.perf_counter() - start)
    return [statistics.median(spent) for spent in times]


class PageRequests:
    """Requests one page; keeps the seconds each request spent outside the database (Python: ORM, templates...).

    That part over the statement's time is a floor for the page's ratio that no change to its queries can lower.
    """

    def __init__(self, client, url):
        self.client, self.url, self.outside_database = client, url, []

    def __call__(self):
        in_database = 0.0

        def timed(execute, sql, params, many, context):
            nonlocal in_database
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                in_database += time.perf_counter() - start

        start = time.perf_counter()
        with connection.execute_wrapper(timed):
            self.client.get(self.url)
        self.outside_database.append(time.perf_counter() - start - in_database)


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=synthetic.SIZES, default="S")
        parser.add_argument("--reps", type=int, default=5, help="repetitions per figure (the median is kept)")
        parser.add_argument("--json", dest="json_file", help="also write the figures to this file")

    def handle(self, *args, size, reps, json_file, **options):
        creation, settings_dict = connection.creation, connection.settings_dict
        if connection.vendor == "sqlite":
            settings_dict.setdefault("TEST", {})["NAME"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
        original_name = settings_dict["NAME"]
        creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            figures = self.measure(synthetic.SIZES[size], reps)
        finally:
            creation.destroy_test_db(original_name, verbosity=0)
        figures = {"size": size, "database": connection.vendor, "settings": os.environ["DJANGO_SETTINGS_MODULE"],
                   "debug": settings.DEBUG, "reps": reps, **figures}
        self.print_table(figures)
        if json_file:
            Path(json_file).write_text(json.dumps(figures, indent=1))

    def measure(self, size, reps):
        client = Client(SERVER_NAME="localhost")
        figures = {}
        # Queries per public page, first on S, then after growing to the size asked for.
        small_year = synthetic.build(synthetic.SIZES["S"], seed=1)
        figures["queries_per_page_S"] = self.queries_per_page(client, small_year)
        Score.objects.all().delete()
        Criterion.objects.all().delete()
        EvaluationYear.objects.all().delete()
        Agency.objects.all().delete()
        AgencyGroup.objects.all().delete()
        started = time.perf_counter()
        year = synthetic.build(size)
        figures["build_seconds"] = round(time.perf_counter() - started, 1)
        with connection.cursor() as cursor:
            # Statistics and visibility map as autovacuum keeps them on a server that has been running.
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        figures["scores"] = Score.objects.count()
        figures["queries_per_page_at_size"] = self.queries_per_page(client, year)
        figures["queries_per_page_equal"] = figures["queries_per_page_S"] == figures["queries_per_page_at_size"]

        group = AgencyGroup.objects.order_by("order").first()
        agency = group.agencies.order_by("pk").first()
        ranking_url = f"/rankings/{year.year}/{group.slug}/"
        agency_url = f"/agencies/{agency.slug}/"

        def sql(statement):
            with connection.cursor() as cursor:
                cursor.execute(statement)
                return [column[0] for column in cursor.description], cursor.fetchall()

        published = PublishedYears()
        ranking = block_ranking(published=published, year=published.get(year.year), block=group)
        statement = ranking_sql([year.pk] + ([ranking.previous_year.pk] if ranking.previous_year else []), group.pk)
        # The statement and the page's selector must agree on every number. The statement computes them from the
        # scores on each run; the page reads them from the record its year's publication made (rankings/records.py).
        columns, rows = sql(statement)
        rows = [dict(zip(columns, row, strict=True)) for row in rows]
        assert [(r["slug"], cents(r["total"]), cents(r["percent"]), r["rank"], r["rank_change"])
                for r in rows if r["year"] == year.year] == [
            (s.slug, s.total, s.percent, s.rank, s.rank_change) for s in ranking.standings]
        figures.update(self.page_against_statement("ranking", PageRequests(client, ranking_url),
                                                   lambda: sql(statement), reps))
        statement = ranking_sql(EvaluationYear.objects.published().values_list("pk", flat=True), group.pk)
        figures.update(self.page_against_statement("agency", PageRequests(client, agency_url),
                                                   lambda: sql(statement), reps))
        statement = HOME_SQL.format(year=int(year.pk))
        figures.update(self.page_against_statement("home", PageRequests(client, "/"), lambda: sql(statement), reps))
        figures["renders_in_burst"] = self.renders_in_burst(ranking_url)
        client.get(ranking_url)  # now cached
        cached, static = medians_in_turns(reps * 4, lambda: client.get(ranking_url),
                                          lambda: client.get("/static/css/site.css"))
        figures.update(cached_page_ms=round(cached * 1000, 2), static_file_ms=round(static * 1000, 2),
                       cached_page_vs_static=round(cached / static, 2))
        if connection.vendor == "postgresql":
            plan = Score.objects.filter(criterion__year=year, criterion__agency_group=group).group_sums().explain()
            figures["ranking_plan_uses_index"] = any(
                name in plan for name in ("score_sums_idx", "criterion_year_group_idx"))
        figures.update(self.measure_import(reps))
        return figures

    @staticmethod
    def page_against_statement(name, page_requests, statement, reps):
        # Four times --reps turns, as for the cached page: each lasts milliseconds, and on a shared machine the
        # statement alone moved from 6.9 to 10.3 ms between two figures of one run with five.
        page, raw = medians_in_turns(reps * 4, page_requests, statement, before=empty_page_cache)
        outside = statistics.median(page_requests.outside_database)
        return {
            f"{name}_page_ms": round(page * 1000, 1),
            f"{name}_sql_ms": round(raw * 1000, 2),
            f"{name}_page_vs_sql": round(page / raw, 2),
            f"{name}_page_outside_db_ms": round(outside * 1000, 1),
            f"{name}_page_outside_db_vs_sql": round(outside / raw, 2),
        }

    @staticmethod
    def renders_in_burst(url, template="public/ranking.html", burst=50):
        """How many times BURST first requests, let go at once on an empty cache, render the page: counted as
        renders of its template, in any thread (not as reads of the database: a process reads a block's record
        once per data version, so a render after that first read reads nothing of it)."""
        empty_page_cache()
        start, renders, lock = threading.Barrier(burst), [], threading.Lock()
        render_template = Template._render

        def counted(self, context):
            if self.name == template:
                with lock:
                    renders.append(self.name)
            return render_template(self, context)

        def fetch(_n):
            try:
                start.wait()
                return Client(SERVER_NAME="localhost").get(url).status_code
            finally:
                connection.close()

        with mock.patch.object(Template, "_render", counted), ThreadPoolExecutor(burst) as pool:
            statuses = list(pool.map(fetch, range(burst)))
        assert statuses == [200] * burst, statuses
        return len(renders)

    @staticmethod
    def queries_per_page(client, year):
        group = AgencyGroup.objects.order_by("order").first()
        agencies = list(group.agencies.order_by("pk")[:2])
        pages = {
            "home": "/",
            "ranking": f"/rankings/{year.year}/{group.slug}/",
            "agency": f"/agencies/{agencies[0].slug}/",
            "criteria": f"/criteria/{year.year}/{group.slug}/",
            "compare": f"/compare/?year={year.year}&agencies={agencies[0].slug},{agencies[1].slug}",
            "csv": f"/rankings/{year.year}/{group.slug}.csv",
            "json": f"/rankings/{year.year}/{group.slug}.json",
        }
        counts = {}
        for page, url in pages.items():
            empty_page_cache()
            with CaptureQueriesContext(connection) as captured:
                status = client.get(url).status_code
            counts[page] = len(captured) if status == 200 else f"HTTP {status}"
        return counts

    def measure_import(self, reps):
        """A 10,000-score wide XLSX: our importer against bulk_create and against a default ModelResource."""
        group = AgencyGroup.objects.create(name="Khối nhập thử", slug="khoi-nhap-thu", order=99)
        agencies = Agency.objects.bulk_create(
            Agency(name=f"Đơn vị nhập {n:03d}", slug=f"don-vi-nhap-{n:03d}", group=group, sort_key=f"{n:03d}")
            for n in range(IMPORT_AGENCIES)
        )
        year, criteria, content = synthetic.import_exercise(group, agencies)
        values = [Score(agency=a, criterion=c, value=Decimal((n + i) % 40) / 4)
                  for n, a in enumerate(agencies) for i, c in enumerate(criteria)]

        def clear():
            Score.objects.filter(criterion__year=year).delete()
            Score.history.filter(criterion_id__in=[c.pk for c in criteria]).delete()

        dataset = tablib.Dataset(*[(None, s.agency_id, s.criterion_id, s.value) for s in values],
                                 headers=["id", "agency", "criterion", "value"])
        ours, bulk = medians_in_turns(
            reps,
            lambda: apply_import(content=content, filename="nhap-thu.xlsx", year=year, agency_group=group, user=None),
            lambda: Score.objects.bulk_create(
                [Score(agency_id=s.agency_id, criterion_id=s.criterion_id, value=s.value) for s in values]),
            before=clear,
        )
        # Ten times slower than ours, so fewer repetitions.
        [plain] = medians_in_turns(
            max(1, reps // 2), lambda: PlainScoreResource().import_data(dataset, raise_errors=True), before=clear)
        clear()
        tracemalloc.start()
        apply_import(content=content, filename="nhap-thu.xlsx", year=year, agency_group=group, user=None)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert Score.objects.filter(criterion__year=year).count() == IMPORT_AGENCIES * IMPORT_CRITERIA
        return {
            "import_rows": IMPORT_AGENCIES * IMPORT_CRITERIA,
            "import_ms": round(ours * 1000),
            "bulk_create_ms": round(bulk * 1000),
            "default_import_ms": round(plain * 1000),
            "import_vs_bulk_create": round(ours / bulk, 2),
            "default_import_vs_ours": round(plain / ours, 2),
            "import_peak_mb": round(peak / 1024 / 1024, 1),
        }

    def print_table(self, figures):
        targets = {"ranking_page_vs_sql": "≤ 3", "agency_page_vs_sql": "≤ 3", "home_page_vs_sql": "≤ 3",
                   "cached_page_vs_static": "≤ 1.5", "renders_in_burst": "1", "debug": "False",
                   "import_vs_bulk_create": "≤ 3", "default_import_vs_ours": "≥ 10", "import_peak_mb": "≤ 200",
                   "queries_per_page_equal": "true"}
        width = max(len(k) for k in figures)
        for key, value in figures.items():
            target = targets.get(key, "")
            self.stdout.write(f"{key:<{width}}  {value!s:<40} {('target ' + target) if target else ''}")
