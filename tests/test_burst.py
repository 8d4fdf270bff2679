"""Publication day (issue 18): a burst of first requests to one uncached page renders it once, and nobody is served
a copy of older data."""

import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test.signals import template_rendered

from benchmarks.bench import Command as Bench
from common.data_version import _bump, invalidate_public_pages
from criteria.models import EvaluationYear
from public.cache import RENDER_WAIT_SECONDS, RENDERING, PublicPageCacheMiddleware
from rankings.models import Score
from rankings.records import record_rankings
from tests import factories

BURST = 50


@pytest.fixture
def ranking_path():
    block = factories.agency_group(name="Sở, ban, ngành", slug="so-ban-nganh")
    year = factories.evaluation_year(2030)
    criterion = factories.criterion(year, block, "1.1", 20)
    for n in range(12):
        factories.score(factories.agency(block, name=f"Sở số {n}"), criterion, Decimal(n))
    return "/rankings/2030/so-ban-nganh/"


@pytest.fixture
def ranking_url(live_server, ranking_path):
    return f"{live_server.url}{ranking_path}"


def burst(url):
    """BURST requests let go at the same moment; their status codes and bodies."""
    start = threading.Barrier(BURST)

    def fetch(_n):
        start.wait()
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()

    with ThreadPoolExecutor(BURST) as pool:
        return list(pool.map(fetch, range(BURST)))


@pytest.fixture(params=["locmem", "redis"])
def page_cache(request, settings):
    """The page cache of the tests (memory) and of production (Redis, each process with its watched version)."""
    if request.param == "redis":
        settings.CACHES = {"default": {"BACKEND": "common.cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/12"}}
    cache.clear()
    # A version of its own, announced: the process's watcher of an earlier test still holds the version just flushed,
    # and would otherwise drop it at its next read, in the middle of the test, when a new one is made.
    _bump()
    yield
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_first_requests_renders_the_page_once(page_cache, ranking_url):
    renders = []

    def count(sender, template, **kwargs):
        if template.name == "public/ranking.html":
            renders.append(threading.get_ident())

    template_rendered.connect(count)
    try:
        answers = burst(ranking_url)
        assert [status for status, _body in answers] == [200] * BURST
        assert len(renders) == 1
        assert len({body for _status, body in answers}) == 1
        # A change: the next burst renders the new data once, and nobody is served the old copy.
        Score.objects.filter(value=Decimal(11)).update(value=Decimal(19))
        invalidate_public_pages()
        renders.clear()
        after = burst(ranking_url)
        assert [status for status, _body in after] == [200] * BURST and len(renders) == 1
        assert len({body for _status, body in after}) == 1 and after[0][1] != answers[0][1]
        assert b"19" in after[0][1]
    finally:
        template_rendered.disconnect(count)


@pytest.mark.django_db(transaction=True)
def test_the_bench_counts_every_render_of_a_burst(page_cache, ranking_path, monkeypatch):
    """`make bench`'s renders_in_burst counts the page's renders, not its reads of the block's record: a process
    reads that once per data version, so a count of reads missed the renders that came after the first read."""
    with transaction.atomic():
        record_rankings(EvaluationYear.objects.get(year=2030))  # the page reads the record, as a published year's do
    assert Bench.renders_in_burst(ranking_path) == 1
    monkeypatch.setattr("public.cache._claim", lambda key: None)  # as if nothing told requests of each other
    assert Bench.renders_in_burst(ranking_path) == BURST


def first_render_keeps_nothing(hold, content):
    """A view whose first render waits for `hold()` and ends without a copy to keep (a 404), and whose later renders
    answer `content`; the event its first render sets when it begins, and the list of its renders."""
    started, renders = threading.Event(), []

    def view(request):
        renders.append(request.path)
        if len(renders) == 1:
            started.set()
            hold()
            return HttpResponse("not kept", status=404)
        return HttpResponse(content)

    return view, started, renders


def first_and_second_request(pool, middleware, page_request, started):
    """Two requests of the same page (`page_request()` makes each) sent to `pool`, the second once the first is
    rendering it."""
    first = pool.submit(middleware, page_request())
    assert started.wait(5)
    return first, pool.submit(middleware, page_request())


@pytest.mark.django_db(transaction=True)
def test_a_request_waiting_for_a_render_that_keeps_nothing_renders_the_page_itself(page_cache, rf):
    """A request finds its page being rendered and waits; that render ends without a copy to keep (an error, a
    404): the waiting request renders the page itself instead of waiting out its time."""
    release = threading.Event()
    view, started, renders = first_render_keeps_nothing(lambda: release.wait(5), b"rendered by the one that waited")
    middleware = PublicPageCacheMiddleware(view)
    url = "/rankings/2030/so-ban-nganh/"
    with ThreadPoolExecutor(2) as pool:
        first, second = first_and_second_request(
            pool, middleware, lambda: rf.get(url, SERVER_NAME="localhost"), started)
        time.sleep(0.2)
        assert len(renders) == 1  # the second waits for the first's copy
        release.set()
        released = time.monotonic()
        assert first.result().status_code == 404
        assert second.result().content == b"rendered by the one that waited"
        assert time.monotonic() - released < RENDER_WAIT_SECONDS / 2
    assert len(renders) == 2
    # The second's copy is kept: the next request is served it.
    assert middleware(rf.get(url, SERVER_NAME="localhost")).content == b"rendered by the one that waited"
    assert len(renders) == 2


@pytest.mark.parametrize("page_cache", ["redis"], indirect=True)
def test_on_redis_a_page_is_claimed_in_one_command(page_cache):
    key = "public-page:abc:1"
    assert cache.add_or_get(key, RENDERING, 30) is None  # nothing there: this request renders it
    assert 0 < cache.redis_client().ttl(cache.make_and_validate_key(key)) <= 30  # a render that dies lets go
    assert cache.add_or_get(key, RENDERING, 30) == RENDERING  # another renders it: wait for its copy
    cache.set(key, (1, b"the copy", {}))
    assert cache.add_or_get(key, RENDERING, 30) == (1, b"the copy", {})
    assert cache.get(key) == (1, b"the copy", {})  # left as it was


@pytest.mark.django_db(transaction=True)
def test_a_render_that_keeps_nothing_after_others_gave_up_waiting_leaves_their_copy(page_cache, rf, monkeypatch):
    """The first render outlasts the wait: the waiting request renders and keeps the page itself. When the first
    then ends without a copy, it must not take away the one the key now holds (a helper's review)."""
    monkeypatch.setattr("public.cache.RENDER_WAIT_SECONDS", 0.3)
    view, started, renders = first_render_keeps_nothing(lambda: time.sleep(0.8),
                                                        b"rendered by the one that gave up waiting")
    middleware = PublicPageCacheMiddleware(view)
    url = "/rankings/2030/so-ban-nganh/"
    with ThreadPoolExecutor(2) as pool:
        first, second = first_and_second_request(
            pool, middleware, lambda: rf.get(url, SERVER_NAME="localhost"), started)
        assert second.result().content == b"rendered by the one that gave up waiting"
        assert first.result().status_code == 404
    another_process = PublicPageCacheMiddleware(view)  # no copy of its own: it reads the shared cache
    assert another_process(rf.get(url, SERVER_NAME="localhost")).content == b"rendered by the one that gave up waiting"
    assert len(renders) == 2
