"""Reachability of what the portal cannot work without."""

import redis
from django.conf import settings
from django.db import connection


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any driver error means "not reachable"; the reason is reported
        return f"database unreachable: {exc.__class__.__name__}: {exc}".strip()
    return None


def check_redis() -> str | None:
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except Exception as exc:
        return f"redis unreachable: {exc.__class__.__name__}: {exc}".strip()
    return None
