"""Pagination for lists that can hold millions of rows.

Counting every matching row (``SELECT count(*)``) costs as much as reading them: at a province's
scale a manager's unfiltered list would count millions of people on every page. The count here
stops at ``COUNT_CAP``: the list says "more than 10,000" and pages through the first ones; a filter
narrows it down (nobody reads page 401 of a list).

Even capped, counting 10,001 rows of a filter that joins another table (people with a disability,
a programme and a welfare decile) reads 10,001 rows of each: hundreds of milliseconds at a million
people. That answer ("more than 10,000") hardly changes, so it is remembered for
``CAPPED_COUNT_SECONDS`` per query (the SQL holds the filters and the user's scope); a count under
the cap is always counted.

:func:`two_step` reads a page in two steps, the keys of the page's rows (from an index when one
covers the filters and the order) then those rows, so that a list sorted or filtered on a few
columns does not fetch thousands of whole rows to keep 25.
"""

import functools
import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 10_000
CAPPED_COUNT_SECONDS = 300


class CappedCountPaginator(Paginator):
    """A Django paginator whose count reads at most ``COUNT_CAP + 1`` rows."""

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        # django-tables2 hands over its rows; their queryset is two levels down.
        table_data = getattr(rows, "data", None)
        queryset = getattr(table_data, "data", rows)
        if not hasattr(queryset, "query"):  # a list: its length is free
            return len(queryset)
        # A queryset may count less far (a name search is read from the top: registry.search).
        self.cap = min(self.cap, getattr(queryset, "count_cap", self.cap))
        # The keys only: what the rows would show (annotations) is not worked out for 10,001 of them.
        counted = QuerySet.__getitem__(queryset.order_by().values("pk"), slice(None, self.cap + 1))
        sql, params = counted.query.sql_with_params()
        # The database's name too: two databases may share one cache (a benchmark's and the demo's).
        database = connections[queryset.db].settings_dict["NAME"]
        key = "capped-count:" + hashlib.sha256(f"{database}\n{sql}\n{params!r}".encode()).hexdigest()
        if cache.get(key):
            count = self.cap + 1
        elif hasattr(queryset, "capped_count"):  # a queryset that knows a cheaper way (registry.search)
            count = queryset.capped_count(self.cap)
        else:
            count = counted.count()
        if count > self.cap:
            cache.set(key, True, CAPPED_COUNT_SECONDS)
        if table_data is not None:
            table_data._length = count  # or django-tables2 counts them all for its own use
        return count

    @property
    def is_capped(self) -> bool:
        """True when more rows match than were counted."""
        return self.count > self.cap


def table_pagination(per_page: int) -> dict:
    """The ``paginate`` argument of django-tables2's RequestConfig for a big list."""
    return {"per_page": per_page, "paginator_class": CappedCountPaginator}


TWO_STEP_MAX_ROWS = 200


class TwoStepQuerySet(QuerySet):
    """Slicing a page (``rows[50:75]``) reads the page's primary keys first, with the filters and
    the order of the list, then the rows with those keys (in the same order)."""

    def __getitem__(self, k):
        if (
            isinstance(k, slice)
            and self._result_cache is None
            and k.stop is not None
            and 0 < k.stop - (k.start or 0) <= TWO_STEP_MAX_ROWS
            and k.step is None
            and not self.query.combinator
            and not self.query.distinct
            and not self.query.is_sliced
        ):
            keys = QuerySet.__getitem__(self.values("pk"), k)
            return self.filter(pk__in=keys)
        return super().__getitem__(k)


@functools.cache
def _two_step_class(queryset_class: type) -> type:
    if issubclass(queryset_class, TwoStepQuerySet):
        return queryset_class
    return type(f"TwoStep{queryset_class.__name__}", (TwoStepQuerySet, queryset_class), {})


def two_step(queryset: QuerySet) -> QuerySet:
    """``queryset``, whose pages are read by :class:`TwoStepQuerySet`."""
    clone = queryset._chain()
    clone.__class__ = _two_step_class(type(queryset))
    return clone
