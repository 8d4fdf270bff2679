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

    Whoever changes the key announces it (`RedisCache.announce`); the thread hears it within a millisecond and reads
    the key again. It also reads it every `heartbeat` seconds, and after a quiet heartbeat pings Redis on the
    subscription and expects the answer within another (a connection dropped without a word is then noticed and
    made again), so a lost announcement costs two heartbeats at most. `value` is None whenever the copy may be
    behind: not read yet, changed since it was read (announced, or by this very process), or last read more than
    two heartbeats ago (its thread stuck or Redis out of reach); the caller then reads the key itself.
    """

    def __init__(self, cache, key, heartbeat=0.5):
        self.cache, self.key, self.heartbeat = cache, key, heartbeat
        self.channel = cache.channel(key)
        self._value, self._read_at, self._pid, self._pubsub = None, 0.0, None, None
        self._changes = 0  # how many changes this process heard of: a read begun before one is not kept
        self._lock, self._start_lock, self._stopped = threading.Lock(), threading.Lock(), threading.Event()

    @property
    def value(self):
        if self._pid != os.getpid():  # the thread of the process it was started in did not survive a fork
            self._start()
        if time.monotonic() - self._read_at > 2 * self.heartbeat:
            return None
        return self._value

    def changed(self):
        """The key changed: no copy is trusted until it is read again."""
        with self._lock:
            self._changes += 1
            self._value = None

    def stop(self):
        """Stop watching (its thread ends within two heartbeats); `value` is None from now on."""
        self._stopped.set()
        self.changed()

    def _start(self):
        with self._start_lock:
            if self._pid == os.getpid():
                return
            self._pid, self._value = os.getpid(), None
            threading.Thread(target=self._watch, name=f"watch {self.key}", daemon=True).start()

    def _read(self):
        # Trusted from when the read was sent: a late answer may already be older than a change.
        sent, changes = time.monotonic(), self._changes
        value = self.cache.get(self.key)
        with self._lock:
            if changes == self._changes and not self._stopped.is_set():
                self._value, self._read_at = value, sent

    def _await(self, pubsub, kind):
        """Wait up to a heartbeat for Redis's message of `kind` on the subscription; an announcement heard
        meanwhile counts as a change. No answer: the connection is taken for lost."""
        deadline = time.monotonic() + self.heartbeat
        while (remaining := deadline - time.monotonic()) > 0:
            message = pubsub.get_message(timeout=remaining)
            if message is not None and message["type"] == "message":
                self.changed()
            elif message is not None and message["type"] == kind:
                return
        raise ConnectionError(f"Redis did not answer {kind} within {self.heartbeat} s")

    def _watch(self):
        while not self._stopped.is_set():
            pubsub = self._pubsub = self.cache.redis_client().pubsub()
            try:
                pubsub.subscribe(self.channel)
                self._await(pubsub, "subscribe")  # read only once subscribed: a change from then on is heard
                while not self._stopped.is_set():
                    self._read()
                    message = pubsub.get_message(timeout=self.heartbeat)
                    if message is None:  # a quiet heartbeat: is the subscription still there?
                        pubsub.ping()
                        self._await(pubsub, "pong")
                    elif message["type"] == "message":
                        self.changed()
            except Exception:  # Redis restarted or out of reach: readers read it themselves meanwhile
                self.changed()
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

    def channel(self, key):
        """Where changes of `key` are announced. Channels are the whole server's: a watcher of the same key in another
        database only reads it once more."""
        return f"changed:{self.make_and_validate_key(key)}"

    def _where(self, key):
        return tuple(self._servers), self.make_and_validate_key(key)

    def watch(self, key):
        """The process's WatchedKey of `key`: its `value` is the key's, known without asking Redis, or None."""
        if (watched := self._watching.get(key)) is None:
            with _watched_keys_lock:
                watched = self._watching[key] = _watched_keys.setdefault(self._where(key), WatchedKey(self, key))
        return watched

    def add_or_get(self, key, value, timeout):
        """`add(key, value, timeout)` and, when `key` held a value already, that value, in one command (Redis's
        SET NX GET): None when this call added `value`."""
        serializer = self._cache._serializer
        found = self.redis_client().set(self.make_and_validate_key(key), serializer.dumps(value),
                                        ex=self.get_backend_timeout(timeout), nx=True, get=True)
        return None if found is None else serializer.loads(found)

    def announce(self, key):
        """Tell every process watching `key` that it changed (after changing it), this one first."""
        if (watched := _watched_keys.get(self._where(key))) is not None:
            watched.changed()
        self.redis_client().publish(self.channel(key), b"")
