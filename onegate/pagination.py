"""Pagination for lists that can hold millions of rows.

Counting every matching row (``SELECT count(*)``) costs as much as reading them: at a province's
scale a manager's unfiltered list would count millions of people on every page. The count here
stops at ``COUNT_CAP``: the list says "more than 10,000" and pages through the first ones; a filter
narrows it down (nobody reads page 401 of a list).
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


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
        count = queryset.order_by()[: self.cap + 1].count()
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
