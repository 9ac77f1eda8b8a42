"""Gapless counters: ticket numbers, queue numbers, letter numbers. A counter is a model with its key
as primary key (a year, a day) and ``last_number``; the numbers are taken in the caller's transaction."""

from django.db import connection


def reserve_numbers(counter_model, key, n: int = 1, floor: int = 0) -> int:
    """Take ``n`` consecutive numbers under ``key`` and return the first; the row is created on first
    use. The upsert locks the row until the transaction ends: concurrent takers wait for each other,
    and a rollback gives the numbers back, so no number is skipped. ``floor`` (the highest number
    already used) guards against a counter that lags behind its rows (generated data)."""
    table = connection.ops.quote_name(counter_model._meta.db_table)
    key_column = connection.ops.quote_name(counter_model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, last_number) VALUES (%s, %s) ON CONFLICT ({key_column}) "
            f"DO UPDATE SET last_number = GREATEST({table}.last_number, %s) + %s RETURNING last_number",
            [key, floor + n, floor, n],
        )
        return cursor.fetchone()[0] - n + 1


def take_number(counter_model, key) -> int:
    """The next number under ``key``."""
    return reserve_numbers(counter_model, key)
