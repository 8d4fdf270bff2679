"""The production cache backend: Django's Redis backend, one Redis client per connection pool, and watched keys.

Django's RedisCacheClient builds a new `redis.Redis` for every cache call, and redis-py fills some 170 response
callbacks each time: about 60 µs. A client is safe to share between threads (each command takes a connection from
the pool), so each pool keeps one.

A watched key (`RedisCache.watch`) is one that every request reads and that rarely changes, as the public pages'
data version: each process keeps its own copy of its value, told of every change over Redis's publish/subscribe,
so that reading it costs no round trip to Redis (about 150 µs here, as much as serving a static file).
"""

import logging
import os
import threading
import time

from django.core.cache.backends import redis

logger = logging.getLogger(__name__)


class SharedClientRedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class WatchedKey:
    """This process's copy of one key's value, kept current by a thread subscribed to the key's channel.

    Whoever changes the key announces it (`RedisCache.announce`); the thread then reads the key again. It also
    reads it every `heartbeat` seconds whatever happens, so a lost announcement or connection costs a second at
    most. `value` is None whenever the copy may be behind: not read yet, announced changed and not read again, no
    read for two heartbeats (the thread stuck or Redis out of reach), or changed by this very process; the caller
    then reads the key itself.
    """

    def __init__(self, cache, key, heartbeat=1.0):
        self.cache, self.key, self.heartbeat = cache, key, heartbeat
        self.channel = f"changed:{cache.make_and_validate_key(key)}"
        self._value, self._read_at, self._pid = None, 0.0, None
        self._forgotten = 0  # how many times this process changed it: a read begun before a change is not kept
        self._start_lock, self._stopped = threading.Lock(), threading.Event()

    @property
    def value(self):
        if self._pid != os.getpid():  # the thread of the process it was started in did not survive a fork
            self._start()
        if time.monotonic() - self._read_at > 2 * self.heartbeat:
            return None
        return self._value

    def stop(self):
        """Stop watching (its thread ends within a heartbeat); `value` is None from now on."""
        self._stopped.set()
        self._value = None

    def forget(self):
        self._forgotten += 1
        self._value = None

    def _start(self):
        with self._start_lock:
            if self._pid == os.getpid():
                return
            self._pid, self._value = os.getpid(), None
            threading.Thread(target=self._watch, name=f"watch {self.key}", daemon=True).start()

    def _watch(self):
        while not self._stopped.is_set():
            pubsub = self.cache.redis_client().pubsub()
            try:
                pubsub.subscribe(self.channel)
                # Read only once subscribed: a change announced from then on is heard.
                while (message := pubsub.get_message(timeout=self.heartbeat)) is None or message["type"] != "subscribe":
                    pass
                while not self._stopped.is_set():
                    forgotten = self._forgotten
                    value = self.cache.get(self.key)
                    if forgotten == self._forgotten and not self._stopped.is_set():
                        self._value, self._read_at = value, time.monotonic()
                    if pubsub.get_message(timeout=self.heartbeat) is not None:
                        self._value = None  # announced changed: read it again before trusting a copy
            except Exception:  # Redis restarted or out of reach: readers read it themselves meanwhile
                self._value = None
                logger.warning("Watching %s: lost Redis, trying again in a second", self.key, exc_info=True)
                time.sleep(1)
            finally:
                pubsub.close()


# One watcher per key and Redis server in a process, whichever thread asks (Django has a backend per thread).
_watched_keys = {}
_watched_keys_lock = threading.Lock()


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self._watching = {}  # key -> the process's WatchedKey, found once per backend

    def redis_client(self):
        return self._cache.get_client(write=True)

    def watch(self, key):
        """The process's WatchedKey of `key`: its `value` is the key's, known without asking Redis, or None."""
        if (watched := self._watching.get(key)) is None:
            where = (tuple(self._servers), self.make_and_validate_key(key))
            with _watched_keys_lock:
                watched = self._watching[key] = _watched_keys.setdefault(where, WatchedKey(self, key))
        return watched

    def announce(self, key):
        """Tell every process watching `key` that it changed (after changing it), this one first."""
        if (watched := _watched_keys.get((tuple(self._servers), self.make_and_validate_key(key)))) is not None:
            watched.forget()
        self.redis_client().publish(f"changed:{self.make_and_validate_key(key)}", b"")
