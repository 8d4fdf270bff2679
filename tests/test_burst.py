"""Publication day (issue 18): a burst of first requests to one uncached page renders it once, and nobody is served
a copy of older data."""

import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test.signals import template_rendered

from common.data_version import data_version, invalidate_public_pages
from public.cache import PublicPageCacheMiddleware
from rankings.models import Score
from tests import factories

BURST = 50


@pytest.fixture
def ranking_url(live_server):
    block = factories.agency_group(name="Sở, ban, ngành", slug="so-ban-nganh")
    year = factories.evaluation_year(2030)
    criterion = factories.criterion(year, block, "1.1", 20)
    for n in range(12):
        factories.score(factories.agency(block, name=f"Sở số {n}"), criterion, Decimal(n))
    return f"{live_server.url}/rankings/2030/so-ban-nganh/"


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
@pytest.mark.parametrize("page_cache", ["locmem"], indirect=True)  # on Redis nothing comes between: the next test
def test_a_render_that_ends_between_the_read_and_the_mark_is_not_done_again(page_cache, rf, monkeypatch):
    """The race the burst exposed: a request finds no copy, another request's render then stores its copy and
    takes its mark away, and only then does the first take the mark. It must serve that copy, not render again."""
    renders = []

    def render(request):
        renders.append(request.path)
        return HttpResponse("rendered here")

    middleware = PublicPageCacheMiddleware(render)
    get, version, reads = cache.get, data_version(), []

    def another_render_ends_right_after(key, *args, **kwargs):
        found = get(key, *args, **kwargs)
        if key.startswith("public-page:") and not reads:  # the first read of the page: no copy yet
            reads.append(key)
            cache.set(key, (version, b"rendered by the other request", {}))
        return found

    monkeypatch.setattr(cache, "get", another_render_ends_right_after)
    response = middleware(rf.get("/rankings/2030/so-ban-nganh/", SERVER_NAME="localhost"))
    assert response.content == b"rendered by the other request" and renders == []
    monkeypatch.undo()
    # Its mark is gone: the next change's first request renders at once instead of waiting for it.
    invalidate_public_pages()
    assert middleware(rf.get("/rankings/2030/so-ban-nganh/", SERVER_NAME="localhost")).content == b"rendered here"


@pytest.mark.parametrize("page_cache", ["redis"], indirect=True)
def test_on_redis_the_page_is_read_and_its_mark_taken_in_one_step(page_cache):
    page, mark = "public-page:abc:1", "public-page:abc:1:rendering"
    assert cache.get_or_add(page, mark, 1, 30) == (None, True)  # no copy: this request renders it
    assert 0 < cache.redis_client().ttl(cache.make_and_validate_key(mark)) <= 30  # a render that dies lets go
    assert cache.get_or_add(page, mark, 1, 30) == (None, False)  # another is rendering it: wait for its copy
    cache.set(page, (1, b"the copy", {}))
    cache.delete(mark)
    assert cache.get_or_add(page, mark, 1, 30) == ((1, b"the copy", {}), False)
    assert cache.get(mark) is None  # a copy is there: nobody marks the page as being rendered
