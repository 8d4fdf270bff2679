"""The data version on Redis (common/cache.py): each process keeps its own copy, so a cached page costs no round
trip to Redis, and every change made by another process reaches it at once, or within a heartbeat if the
announcement is lost. Against the real Redis at 127.0.0.1:6379, database 12, and other processes where it matters."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.core.cache import caches

from common.cache import WatchedKey
from common.data_version import VERSION_KEY, _bump, data_version
from public.cache import PageCopies

REDIS_URL = "redis://127.0.0.1:6379/12"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def on_redis(settings):
    settings.CACHES = {"default": {"BACKEND": "common.cache.RedisCache", "LOCATION": REDIS_URL}}
    redis.Redis.from_url(REDIS_URL).flushdb()
    _bump()  # a version of its own, announced to the process's watcher of an earlier test
    yield caches["default"]
    redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.fixture
def watching(on_redis):
    """A watcher of the version of its own (as another process has), with the heartbeat given."""
    started = []

    def watch(heartbeat):
        started.append(WatchedKey(on_redis, VERSION_KEY, heartbeat=heartbeat))
        return started[-1]

    yield watch
    for watched in started:
        watched.stop()


def eventually(read, expected, within):
    """`read()` once it equals `expected`, polling up to `within` seconds; the last value read otherwise."""
    deadline = time.monotonic() + within
    while (value := read()) != expected and time.monotonic() < deadline:
        time.sleep(0.005)
    return value


def change_from_another_process(announce=True):
    """What a worker of another replica does when it changes the data: the version moved on, and announced."""
    code = ("import django; django.setup()\n"
            "from django.core.cache import cache\n"
            "from common.data_version import VERSION_KEY, _bump\n"
            + ("_bump()\n" if announce else "cache.incr(VERSION_KEY)\n"))
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": "test",
                   "DATABASE_URL": "sqlite:////tmp/unused.sqlite3", "REDIS_URL": REDIS_URL, "HTTPS": "false",
                   "SITE_URL": "http://localhost"}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, check=True, capture_output=True)


def test_a_change_in_another_process_is_announced_to_this_one(watching):
    version = data_version()
    watched = watching(heartbeat=60)  # so only the announcement can tell it in time
    assert eventually(lambda: watched.value, version, within=5) == version
    change_from_another_process()
    assert eventually(lambda: watched.value, version + 1, within=1) == version + 1


def test_a_change_never_announced_is_read_within_a_heartbeat(watching):
    version = data_version()
    watched = watching(heartbeat=0.2)
    assert eventually(lambda: watched.value, version, within=5) == version
    change_from_another_process(announce=False)
    assert eventually(lambda: watched.value, version + 1, within=1) == version + 1


def test_this_process_sees_its_own_change_at_once(on_redis):
    version = data_version()
    assert eventually(lambda: on_redis.watch(VERSION_KEY).value, version, within=5) == version
    _bump()  # what a change's commit runs (invalidate_public_pages)
    assert data_version() == version + 1


def test_a_lost_subscription_is_taken_up_again(on_redis):
    key, server = "watched-in-a-test", redis.Redis.from_url(REDIS_URL)
    on_redis.set(key, 1, timeout=None)
    watched = WatchedKey(on_redis, key, heartbeat=60)  # only an announcement heard tells it in time
    try:
        assert eventually(lambda: watched.value, 1, within=5) == 1
        host, port = watched._pubsub.connection._sock.getsockname()
        address = f"{host}:{port}"
        assert server.client_kill_filter(_type="pubsub", addr=address) == 1
        on_redis.incr(key)  # changed while it had no subscription, and never announced
        assert eventually(lambda: watched.value, None, within=1) is None  # not trusted until read again
        # It subscribes again, reads the key, and hears the next announcement.
        assert eventually(lambda: watched.value, 2, within=5) == 2
        on_redis.incr(key)
        on_redis.announce(key)
        assert eventually(lambda: watched.value, 3, within=1) == 3
    finally:
        watched.stop()


def test_a_read_that_a_change_overtook_is_not_kept(on_redis, monkeypatch):
    """An announcement heard while the watcher's read of the key is on its way: the answer may be older than the
    change, so the copy stays untrusted until the next read."""
    key = "watched-in-a-test"
    on_redis.set(key, 1, timeout=None)
    watched = WatchedKey(on_redis, key, heartbeat=60)
    watched._pid = os.getpid()  # no watching thread: the test reads for it
    read = on_redis.get

    def overtaken(*args, **kwargs):
        answer = read(*args, **kwargs)
        on_redis.incr(key)
        watched.changed()  # heard before the answer (1) arrives
        return answer

    with monkeypatch.context() as patched:
        patched.setattr(on_redis, "get", overtaken)
        watched._read()
    assert watched.value is None
    watched._read()
    assert watched.value == 2


def test_a_stopped_or_silent_watcher_is_not_trusted(watching):
    watched = watching(heartbeat=0.2)
    assert eventually(lambda: watched.value, data_version(), within=5) is not None
    watched._read_at -= 1  # as if its thread had not read it for a second, five heartbeats
    assert watched.value is None
    watched.stop()
    assert eventually(lambda: watched.value, "never again", within=1) is None


def copy(version, size):
    return version, b"x" * size, {}


def test_page_copies_keep_the_last_served_within_their_bytes():
    copies = PageCopies(max_bytes=250)
    copies.put("a", copy(1, 100))
    copies.put("b", copy(1, 100))
    assert copies.get("a", 1)  # now the last served
    copies.put("c", copy(1, 100))  # 300 bytes: the least recently served goes
    assert copies.get("b", 1) is None and copies.get("a", 1) and copies.get("c", 1)
    assert copies.size == 200
    copies.put("d", copy(1, 251))  # larger than the whole: not kept
    assert copies.get("d", 1) is None and copies.size == 200


def test_a_page_copy_is_served_only_for_its_own_version():
    copies = PageCopies(max_bytes=1000)
    copies.put("a", copy(1, 10))
    assert copies.get("a", 2) is None
    copies.put("a", copy(2, 20))
    assert copies.get("a", 2)[0] == 2 and copies.size == 20
