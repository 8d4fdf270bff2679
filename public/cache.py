"""Public pages and downloads are cached whole; any change to the data makes every cached copy stale at once.

PublicPageCacheMiddleware keeps them under the data version they were made of (part of the key in the shared
cache), and serves a copy only while that is the version. Saving any agency, criterion, year, score or band
(signals), and every bulk write (the services call `invalidate_public_pages`), moves the version on when the
transaction commits, so no cached page outlives the data it shows. The version
lives in the cache itself, which every process shares (Redis in production, files in development): a change
made by one worker, or from the command line, reaches all of them. Only published years have pages, and only
200 responses are kept, so nothing unpublished ever reaches the cache. One version for the whole site keeps
this simple and correct; the price is that an edit to one year also refreshes the others.

Each process also keeps its own copies of the pages it served last (PageCopies), each with its data version, and
on Redis its own copy of the version, which Redis's publish/subscribe tells it of every change as the change
commits (re-read every half second besides, so a lost announcement costs a second at most; common/cache.py): a
hit then costs no round trip to the cache at all.

The cache holds a bounded number of pages of each version (older versions' copies are never read again, and leave
as Redis evicts the least recently used or as they expire): a page is keyed on its path and the query parameters
it declares, one value each, nothing else; and on the scheme and host only where no SITE_URL names the site's one
address (production always has one), since the page then writes the request's host in its og:url. The middleware
hands the view only the declared parameters, so a page cannot show what its key does not hold; the views answer an
invalid value with something other than 200 (a redirect, 400 or 404), which is never kept; free-text searches are
not cached; a year in an address has four digits, no leading zero.
"""

import functools
import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import translation
from django.views.decorators.http import require_safe

from common.data_version import data_version, rendering

# A request that finds its page being rendered by another waits for that copy, polling, up to a few seconds; a
# render that dies leaves its mark for RENDER_LOCK_SECONDS at most.
RENDER_POLL_SECONDS = 0.02
RENDER_WAIT_SECONDS = 5
RENDER_LOCK_SECONDS = 30
# What a page's key holds while a request renders it, until the copy takes its place.
RENDERING = "rendering"


def _of_version(copy, version):
    """`copy` (version, content, headers) when it was made of `version`, else None."""
    return copy if copy is not None and copy[0] == version else None


def _comma_list(values):
    """Every comma-separated item of every value, stripped, each once, in order: 'a, b,,a' and 'a&b' are 'a,b'."""
    items = (item.strip() for value in values for item in value.split(","))
    return ",".join(dict.fromkeys(item for item in items if item))


def _claim(key):
    """What the page's key holds: the copy, RENDERING while another request renders it, or None when it held
    nothing, and this request, which put RENDERING there, is to render it. One step where the cache's `add` is
    one (Redis, in one command: common/cache.py; memory): two requests never both find it empty. The files of
    the development server may let two requests render the same page at once."""
    if hasattr(cache, "add_or_get"):
        return cache.add_or_get(key, RENDERING, RENDER_LOCK_SECONDS)
    while not cache.add(key, RENDERING, timeout=RENDER_LOCK_SECONDS):
        if (found := cache.get(key)) is not None:
            return found
        # Nothing after all: a render that gave up took its mark away meanwhile. Mark it again.
    return None


@dataclass(frozen=True)
class PublicPage:
    params: tuple[str, ...] = ()  # query parameters the page reads, part of its cache key
    list_params: tuple[str, ...] = ()  # the same, each a list of items, as ?agencies=a,b or ?agencies=a&agencies=b
    search_params: tuple[str, ...] = ()  # free text it reads: a request that carries one is not cached

    def query(self, query):
        """Only the parameters the page declares, in one canonical form: one value each, stripped, none empty."""
        kept = QueryDict(mutable=True)
        for name in (*self.params, *self.search_params):
            value = query.get(name, "").strip()  # the last one, as QueryDict.get reads it
            if value:
                kept[name] = value
        for name in self.list_params:
            if value := _comma_list(query.getlist(name)):
                kept[name] = value
        return kept

    def cacheable(self, query):
        return not any(name in query for name in self.search_params)


def public_page(view=None, *, params=(), list_params=(), search_params=()):
    """Mark a view whose successful GET responses PublicPageCacheMiddleware may keep.

    `params`, `list_params` and `search_params` name the query parameters it reads (see PublicPage); it sees no
    others. A public page only reads: any method but GET and HEAD is answered 405.
    """
    def mark(view):
        view = require_safe(view)
        view.public_page = PublicPage(tuple(params), tuple(list_params), tuple(search_params))
        return view

    return mark(view) if view is not None else mark


class PageCopies:
    """This process's copies of the pages it served last, (version, content, headers) by key, up to `max_bytes`
    of content, the least recently served dropped first. A copy is handed out only for the version asked for."""

    def __init__(self, max_bytes):
        self.max_bytes, self.size, self.pages, self.lock = max_bytes, 0, OrderedDict(), threading.Lock()

    def get(self, key, version):
        with self.lock:
            copy = _of_version(self.pages.get(key), version)
            if copy is not None:
                self.pages.move_to_end(key)
            return copy

    def put(self, key, copy):
        if len(copy[1]) > self.max_bytes:
            return
        with self.lock:
            if (replaced := self.pages.pop(key, None)) is not None:
                self.size -= len(replaced[1])
            self.pages[key] = copy
            self.size += len(copy[1])
            while self.size > self.max_bytes:
                _key, dropped = self.pages.popitem(last=False)
                self.size -= len(dropped[1])


class PublicPageCacheMiddleware:
    """Serve public pages from the cache before the rest of the middleware runs.

    Placed near the top of MIDDLEWARE, it stores each response as the inner middleware finished it (with the
    Content-Security-Policy, Content-Language and Vary headers). A hit costs no read of the cache when this
    process has a copy of the page and knows the data version (data_version()), a read of the page when it has no
    copy. A response that sets a cookie is never stored, nor one for a host that is not allowed (Django answers
    those 400).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.copies = PageCopies(settings.PUBLIC_PAGE_COPIES_BYTES)

    def __call__(self, request):
        page = self._public_page(request.path_info) if request.method == "GET" else None
        if page is None:
            return self.get_response(request)
        try:
            host = request.get_host()
        except DisallowedHost:
            return self.get_response(request)
        request.GET = page.query(request.GET)
        request.META["QUERY_STRING"] = request.GET.urlencode()  # for get_full_path() and build_absolute_uri()
        if not page.cacheable(request.GET):
            return self.get_response(request)
        site = "" if settings.SITE_URL else f"{request.scheme}://{host}"
        address = f"{site}{request.get_full_path()}"
        page_key = f"public-page:{hashlib.sha256(address.encode()).hexdigest()}"
        # A copy is good when it was made of the data version of now. The shared cache keeps each version's copy
        # under a key of its own: a first render reads no copy of older data.
        version = data_version()
        key = f"{page_key}:{version}"
        copy = self.copies.get(page_key, version)
        marked = False
        if copy is None:
            claimed_at = time.monotonic()  # before the claim: no waiter's wait began earlier
            copy = _claim(key)
            marked = copy is None
            if copy == RENDERING:
                copy = self._wait_for(key)  # another request renders this very page of this very data
            if copy is not None:
                self.copies.put(page_key, copy)
        if copy is not None:
            _version, content, headers = copy
            return HttpResponse(content, headers=headers)
        stored = False
        try:
            with rendering(version):
                response = self.get_response(request)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                copy = (version, response.content, dict(response.headers))
                cache.set(key, copy, timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)  # in the place of the mark
                stored = True
                self.copies.put(page_key, copy)
        finally:
            # An error, a 404: whoever waits renders the page. Only while nobody has given up waiting: the key then
            # holds this request's mark, not another's copy (or mark, once this one expired).
            if marked and not stored and time.monotonic() - claimed_at < RENDER_WAIT_SECONDS:
                cache.delete(key)
        return response

    @staticmethod
    def _wait_for(key):
        """The copy another request is rendering, once it is there; None when that render stored nothing (an
        error, a 404) or takes too long: the caller then renders the page itself.

        Publication day: everyone opens the same new pages at once. The first request of a page renders it, the
        others wait for its copy instead of rendering it again; a copy is served only of the data version the
        request found, so nobody is served older data."""
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(RENDER_POLL_SECONDS)
            if (copy := cache.get(key)) != RENDERING:
                return copy
        return None

    @staticmethod
    @functools.lru_cache(maxsize=4096)  # the address map never changes while the process runs
    def _public_page(path):
        # Before LocaleMiddleware has run: resolve /en/... in the language its prefix names.
        with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
            try:
                return getattr(resolve(path).func, "public_page", None)
            except Resolver404:
                return None
