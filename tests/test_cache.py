"""Cached public pages: served from the cache, made stale by every kind of change, never holding draft data."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import AgencyGroup
from criteria.models import EvaluationYear
from criteria.services import change_year_status
from imports.importing import apply_import
from rankings.models import Band, Participant, Score
from rankings.publication import publish_year
from tests import sheets

pytestmark = pytest.mark.django_db(transaction=True)  # changes commit, as in production
RANKING = "/rankings/2019/ubnd-huyen/"


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, len(captured)


def test_a_second_visit_is_served_from_the_cache_without_a_query(client, demo):
    first, first_queries = queries(client, RANKING)
    second, second_queries = queries(client, RANKING)
    assert first_queries > 0 and second_queries == 0
    assert second.content == first.content


def test_an_admin_save_makes_the_cached_page_stale(client, demo):
    client.get(RANKING)
    # The page shows the names of its year: its participant's (renaming the agency today leaves 2019 as it was).
    participant = Participant.objects.get(year__year=2019, short_name="Văn Lâm")
    participant.short_name = "Văn Lâm (mới)"
    participant.save()
    assert "Văn Lâm (mới)" in client.get(RANKING).content.decode()


def test_scores_imported_while_a_year_is_unpublished_show_once_it_is_published_again(client, demo):
    year = EvaluationYear.objects.get(year=2019)
    before = client.get("/rankings/2019/ubnd-huyen.csv").content.decode()
    change_year_status(year=year, status=EvaluationYear.Status.APPRAISAL, reason="sửa điểm", user=None)
    apply_import(content=sheets.xlsx([["Tên cơ quan", "1.1"], ["UBND huyện Phù Cừ", "9,99"]]), filename="x.xlsx",
                 year=year, agency_group=AgencyGroup.objects.get(slug="ubnd-huyen"), user=None)
    change_year_status(year=year, status=EvaluationYear.Status.PUBLISHED, user=None)
    after = client.get("/rankings/2019/ubnd-huyen.csv").content.decode()
    phu_cu = next(line for line in after.splitlines() if "Phù Cừ" in line).split(",")
    assert phu_cu[7] == "94.24" and phu_cu[14] == "16.74"  # total 91 - 6,75 + 9,99; infrastructure 6,75 + 9,99
    assert after != before
    assert Score.objects.get(agency__short_name="Phù Cừ", criterion__year=year, criterion__code="1.1").value == Decimal(
        "9.99")


def test_unpublishing_removes_the_pages_at_once_and_publishing_brings_them_back(client, demo):
    year = EvaluationYear.objects.get(year=2019)
    assert client.get(RANKING).status_code == 200
    call_command("unpublish", "2019", "--reason", "kiểm tra lại")
    assert client.get(RANKING).status_code == 404
    assert client.get("/rankings/2019/ubnd-huyen.json").status_code == 404
    assert "/rankings/2019/" not in client.get("/").content.decode()
    change_year_status(year=year, status=EvaluationYear.Status.PUBLISHED, user=None)
    assert client.get(RANKING).status_code == 200


def test_a_band_edit_makes_it_stale(client, demo):
    assert "Rất cao" in client.get(RANKING).content.decode()
    band = Band.objects.get(name="Rất cao")
    band.name = "Xuất sắc"
    band.save()
    assert "Xuất sắc" in client.get(RANKING).content.decode()


def test_the_cache_works_the_same_on_redis(client, demo, settings):
    settings.CACHES = {"default": {"BACKEND": "common.cache.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/15"}}
    cache.clear()
    _page, cold = queries(client, RANKING)
    _page, warm = queries(client, RANKING)
    assert cold > 0 and warm == 0
    participant = Participant.objects.get(year__year=2019, short_name="Văn Lâm")
    participant.short_name = "Văn Lâm trên Redis"
    participant.save()
    assert "Văn Lâm trên Redis" in client.get(RANKING).content.decode()
    cache.clear()


def test_a_change_reaches_pages_never_served_before_it_though_other_pages_read_the_same_rows(client, demo):
    """What the pages of one data version read alike is read once per process (common.data_version.once_per_version):
    a committed change starts a new version, so a page first asked for after it reads the change, not what the
    pages before it read."""
    agency = Participant.objects.get(year__year=2019, short_name="Văn Lâm").agency
    assert f'href="/agencies/{agency.slug}/' in client.get(RANKING).content.decode()
    agency.slug = "van-lam-moi"  # today's address, read beside the record
    agency.save()
    for page in ["/en" + RANKING, "/rankings/2019/ubnd-huyen.csv"]:  # neither cached before the change
        assert "van-lam-moi" in client.get(page).content.decode(), page


def test_publishing_a_published_year_again_shows_the_new_decision_on_every_page(client, demo):
    """The decision is written by an update, which sends no signal: publish_year moves the version itself."""
    year = EvaluationYear.objects.get(year=2019)
    assert client.get(RANKING).status_code == 200  # a page of this version, which read the published years
    publish_year(year=year, decision_number="99/QĐ-UBND", signed_on=date(2020, 6, 1), user=None)
    assert client.get("/rankings/2019/ubnd-huyen.json").json()["decision"] == {
        "number": "99/QĐ-UBND", "signed_on": "2020-06-01"}
