"""Django's Redis cache with one client object per connection pool.

Django's client builds a new ``redis.Redis`` for every cache call; with redis-py 6 that object's
constructor fills a table of some 170 response callbacks, a cost paid several times per page
(session, unread count, holidays, rate limits). A ``redis.Redis`` is safe to share between threads:
its connections come from the pool.
"""

from django.core.cache.backends import redis as django_redis


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
