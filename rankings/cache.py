"""Public pages and downloads are cached whole; any change to the data makes every cached copy stale at once.

PublicPageCacheMiddleware keeps them; the key of a cached page carries a data version. Saving any agency,
criterion, year, score or band (signals), and every bulk write (the services call `invalidate_public_pages`),
moves the version on when the transaction commits, so no cached page outlives the data it shows. Only
published years have pages, and only 200 responses are kept, so nothing unpublished ever reaches the cache.
One version for the whole site keeps this simple and correct; the price is that an edit to one year also
refreshes the others, which are cheap to rebuild.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation

VERSION_KEY = "public-data-version"


def data_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)  # another process may have set it meanwhile
        version = cache.get(VERSION_KEY)
    return version


def _bump():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or evicted): any new one makes earlier keys unreachable
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def invalidate_public_pages():
    """Make every cached public page stale once the current transaction commits (at once outside one)."""
    transaction.on_commit(_bump)


def public_page(view):
    """Mark a view whose successful GET responses PublicPageCacheMiddleware may keep."""
    view.public_page = True
    return view


class PublicPageCacheMiddleware:
    """Serve public pages from the cache before the rest of the middleware runs.

    Placed near the top of MIDDLEWARE, it stores each response as the inner middleware finished it (with the
    Content-Security-Policy, Content-Language and Vary headers), keyed by the data version and the full path; a
    hit then costs two cache reads. A response that sets a cookie is never stored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "GET" or not self._is_public(request.path_info):
            return self.get_response(request)
        key = f"public-page:{data_version()}:{request.get_full_path()}"
        cached = cache.get(key)
        if cached is not None:
            content, headers = cached
            return HttpResponse(content, headers=headers)
        response = self.get_response(request)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            timeout = getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 24 * 3600)
            cache.set(key, (response.content, dict(response.headers)), timeout=timeout)
        return response

    @staticmethod
    def _is_public(path):
        # Before LocaleMiddleware has run: resolve /en/... in the language its prefix names.
        with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
            try:
                return getattr(resolve(path).func, "public_page", False)
            except Resolver404:
                return False
