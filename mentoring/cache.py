"""Django's Redis cache, keeping one redis-py client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every
cache call, and each one copies redis-py's table of response callbacks (about
170 entries): on a page served from the page cache (``mentoring.page_cache``)
that was a third of the time spent outside the database. A ``redis.Redis`` is
safe to share between threads (each command borrows a connection from the
pool), so one per pool is kept. Set as ``CACHES["default"]["BACKEND"]``.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients_by_pool", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
