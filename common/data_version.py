"""The version of the data that the public pages show: any change moves it on, every process sees it.

It lives in the cache that every process shares (Redis in production, files in development); on Redis, each
process also keeps a copy that Redis's publish/subscribe keeps current (common/cache.py). Writers call
`invalidate_public_pages` after bulk writes (single saves do it through signals, public/apps.py); the public
page cache (public/cache.py) keys every page on `data_version()`.
"""

import time

from django.core.cache import cache, caches
from django.db import transaction

VERSION_KEY = "public-data-version"


def data_version():
    backend = caches["default"]
    # On Redis each process keeps its own copy, told of every change (common/cache.py): no round trip.
    if hasattr(backend, "watch") and (version := backend.watch(VERSION_KEY).value) is not None:
        return version
    version = backend.get(VERSION_KEY)
    if version is None:
        backend.add(VERSION_KEY, time.time_ns(), timeout=None)  # another process may have set it meanwhile
        version = backend.get(VERSION_KEY)
    return version


def _bump():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or evicted): any new one makes earlier keys unreachable
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    if hasattr(cache, "announce"):
        cache.announce(VERSION_KEY)


def invalidate_public_pages():
    """Make every cached public page stale once the current transaction commits (at once outside one)."""
    transaction.on_commit(_bump)
