"""Working-day arithmetic. Saturdays, Sundays and the configured holidays are not working days."""

import datetime

from django.core.cache import cache
from django.db import transaction

from .models import Holiday

WEEKEND = {5, 6}  # Saturday, Sunday

# Due dates are on most pages (SLA badges) and holidays are a short list that changes a few times a
# year: it is cached whole, and forgotten whenever a holiday is saved or deleted (apps.py).
HOLIDAYS_CACHE_KEY = "workdays:holidays"
HOLIDAYS_CACHE_SECONDS = 600


def all_holidays() -> frozenset[datetime.date]:
    days = cache.get(HOLIDAYS_CACHE_KEY)
    if days is None:
        days = frozenset(Holiday.objects.values_list("date", flat=True))
        cache.set(HOLIDAYS_CACHE_KEY, days, HOLIDAYS_CACHE_SECONDS)
    return days


def forget_holidays(**_) -> None:
    cache.delete(HOLIDAYS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(HOLIDAYS_CACHE_KEY))


def holidays_between(start: datetime.date, end: datetime.date) -> set[datetime.date]:
    return {day for day in all_holidays() if start <= day <= end}


def is_working_day(day: datetime.date, holidays: set[datetime.date]) -> bool:
    return day.weekday() not in WEEKEND and day not in holidays


def add_working_days(start: datetime.date, days: int, holidays: set[datetime.date] | None = None) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted: a request
    received on Friday with 1 day allowed is due on Monday). ``days=0`` gives ``start``."""
    if days < 0:
        raise ValueError("days must not be negative")
    if holidays is None:
        # Twice the days plus a month covers weekends and the longest holiday run (Lebaran).
        holidays = holidays_between(start, start + datetime.timedelta(days=days * 2 + 31))
    day = start
    while days:
        day += datetime.timedelta(days=1)
        if is_working_day(day, holidays):
            days -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date, holidays: set[datetime.date] | None = None) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
    if end < start:
        return -working_days_between(end, start, holidays)
    if holidays is None:
        holidays = holidays_between(start, end)
    return sum(
        1 for n in range(1, (end - start).days + 1) if is_working_day(start + datetime.timedelta(days=n), holidays)
    )
