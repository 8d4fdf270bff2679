"""Public pages and downloads are cached whole; any change to the data makes every cached copy stale at once.

The key of a cached page carries a data version. Saving any agency, criterion, year, score or band (signals),
and every bulk write (the services call `invalidate_public_pages`), moves the version on when the transaction
commits, so no cached page outlives the data it shows. Only published years have pages, and only 200 responses
are kept, so nothing unpublished ever reaches the cache. One version for the whole site keeps this simple and
correct; the price is that an edit to one year also refreshes the others, which are cheap to rebuild.
"""

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

VERSION_KEY = "public-data-version"
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")


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


def cached_public_page(view):
    """Cache the successful GET responses of a public view, keyed by the data version and the full path."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET":
            return view(request, *args, **kwargs)
        key = f"public-page:{data_version()}:{request.get_full_path()}"
        cached = cache.get(key)
        if cached is not None:
            # The body and the headers that matter, rather than the pickled response: quicker to read back.
            content, headers = cached
            return HttpResponse(content, headers=headers)
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            cache.set(key, (response.content, headers), timeout=getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 86400))
        return response

    return wrapper
