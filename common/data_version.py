"""The version of the data that the public pages show: any change moves it on, every process sees it.

It lives in the cache that every process shares (Redis in production, files in development); on Redis, each
process also keeps a copy that Redis's publish/subscribe keeps current (common/cache.py). Writers call
`invalidate_public_pages` after bulk writes (single saves do it through signals, public/apps.py); the public
page cache (public/cache.py) keys every page on `data_version()`.
"""

import functools
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache, caches
from django.db import transaction

VERSION_KEY = "public-data-version"
# The data version of the public page being rendered (public/cache.py); None anywhere else.
_version_rendered = ContextVar("version_rendered", default=None)


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


@contextmanager
def rendering(version):
    """Inside it a public page of data version `version` is rendered: once_per_version functions keep what they
    read for that version. The page cache keeps the page itself for it too, so both go stale together."""
    token = _version_rendered.set(version)
    try:
        yield
    finally:
        _version_rendered.reset(token)


class _Kept:
    """What once_per_version functions read, of one data version: the last one a page was rendered of."""

    def __init__(self):
        self.version, self.values, self.lock = None, {}, threading.Lock()

    def of(self, version):
        """The dict of what is kept for `version`; a new one when another version was asked for last."""
        with self.lock:
            if version != self.version:
                self.version, self.values = version, {}
            return self.values


_kept = _Kept()


def once_per_version(function):
    """Mark a function that reads what every public page of a data version reads alike (the published years, the
    blocks, a block's criteria): while a page is rendered (`rendering`), this process calls it once per version and
    arguments and hands every later page of that version the same value, which callers must not change. Anywhere
    else (services, the admin, commands) it reads afresh each time: a write is not yet a new version before it
    commits.

    Publication day: every page of the new version is rendered once, and most of them read the same rows."""

    @functools.wraps(function)
    def read(*args):
        version = _version_rendered.get()
        if version is None:
            return function(*args)
        kept = _kept.of(version)
        key = (function, args)
        if key not in kept:
            kept[key] = function(*args)
        return kept[key]

    return read


def kept_items(name):
    """For a function that reads item by item what once_per_version would keep whole (a page asks for one block's
    record, the next for another's): while a page is rendered, the dict `name` of this process and data version,
    for the items read already; anywhere else a new empty dict, so that everything is read afresh."""
    version = _version_rendered.get()
    if version is None:
        return {}
    return _kept.of(version).setdefault(("items", name), {})
