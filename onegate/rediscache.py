"""Django's Redis cache with one client object per connection pool, and a forgiving variant.

Django's client builds a new ``redis.Redis`` for every cache call; with redis-py 6 that object's
constructor fills a table of some 170 response callbacks, a cost paid several times per page
(session, unread count, holidays, rate limits). A ``redis.Redis`` is safe to share between threads:
its connections come from the pool.

``ForgivingRedisCache`` (the default cache) treats an unreachable Redis as an empty cache: reads
miss, writes do nothing, so the pages that use the cache only to go faster keep working through a
Redis outage. After a failure it leaves Redis alone for ``RETRY_SECONDS``, so a server that does not
answer costs one connection timeout, not one per call. What must not be guessed (rate limits, spent
anti-spam questions) uses the strict ``RedisCache`` (the "counters" cache), which raises.
"""

import logging
import time

import redis
from django.core.cache.backends import redis as django_redis

log = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


def _missing_key(*args, **kwargs):
    raise ValueError("Key not found.")  # what Django's incr says of a key that is not there


# What each cache call answers while Redis cannot be reached: as if the cache were empty.
_FALLBACKS = {
    "get": lambda key, default=None: default,
    "get_many": lambda keys: {},
    "has_key": lambda key: False,
    "add": lambda *args, **kwargs: False,
    "set": lambda *args, **kwargs: None,
    "set_many": lambda *args, **kwargs: None,
    "touch": lambda *args, **kwargs: False,
    "delete": lambda key: False,
    "delete_many": lambda keys: None,
    "incr": _missing_key,
    "clear": lambda: False,
}


class ForgivingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._down_until = 0.0


def _forgiving(name):
    strict, fallback = getattr(RedisCacheClient, name), _FALLBACKS[name]

    def call(self, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback(*args, **kwargs)
        try:
            return strict(self, *args, **kwargs)
        except UNREACHABLE as exc:
            log.warning("Redis cache unreachable, working without it for %ss: %s", RETRY_SECONDS, exc)
            self._down_until = time.monotonic() + RETRY_SECONDS
            return fallback(*args, **kwargs)

    call.__name__ = name
    return call


for _name in _FALLBACKS:
    setattr(ForgivingRedisCacheClient, _name, _forgiving(_name))


class ForgivingRedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ForgivingRedisCacheClient
