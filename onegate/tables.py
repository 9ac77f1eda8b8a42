"""django-tables2 tables whose body rows are rendered in Python, in one pass.

django-tables2 renders each cell through its generic machinery: the accessor is resolved anew (a
dictionary lookup tried first, an exception per bit on a model), the render method's signature is
inspected by ``inspect`` for every cell, a DateColumn compiles its template for every cell, then a
template loop computes each column's attributes for every cell. For 25 rows of 7 or 8 columns that
was most of a list page's time (~60% of its CPU).

:class:`FastTable` keeps the table class as the one declaration (columns, headers, sortable
links, pagination, ``RequestConfig``) and the same template for the header and the pagination; only
the rows are built here, with what each column needs worked out once per table. The markup is the
same as django-tables2's (tests/core/test_fast_lists.py renders both and compares). A column this
does not know how to render (a TemplateColumn of its own, a callable attribute on a cell, ...) goes
through django-tables2's own ``BoundRow.get_cell``, so nothing is lost, only not sped up.
"""

import datetime
import functools
import html
import inspect
import re
from functools import partialmethod

import django_tables2 as tables
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats
from django.utils.hashable import make_hashable
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext
from django_tables2.columns import DateColumn, DateTimeColumn
from django_tables2.templatetags.django_tables2 import table_page_range
from django_tables2.utils import AttributeDict

_DATE_TEMPLATE = re.compile(r'^\{\{ value\|date:"([^"]*)"\|default:default \}\}$')
_CELL_ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")


def _wanted_arguments(function) -> tuple[tuple[str, ...], bool] | None:
    """The cell arguments ``function`` takes (as django_tables2.utils.call_with_appropriate reads
    them), and whether it takes ``**kwargs``; None when it wants one that cells do not offer."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return None
    names, catch_all = [], False
    for p in parameters:
        if p.kind == p.VAR_KEYWORD:
            catch_all = True
        elif p.kind != p.VAR_POSITIONAL:
            names.append(p.name)
    if any(name not in _CELL_ARGUMENTS for name in names):
        return None
    return tuple(names), catch_all


_choice_labels: dict[tuple, dict] = {}


def _choice_label(field, value):
    """What Django's generated ``get_FOO_display()`` returns, from labels kept per language (it
    builds a dict of every choice for each call)."""
    key = (field, get_language())
    labels = _choice_labels.get(key)
    if labels is None:
        labels = _choice_labels[key] = {make_hashable(k): str(v) for k, v in field.flatchoices}
    label = labels.get(make_hashable(value), value)
    return label if label is None or isinstance(label, (str, int, float)) else str(label)


def _escape(value) -> str:
    """django.utils.html.conditional_escape, without its lazy-string wrapper for plain strings."""
    if type(value) is str:
        return html.escape(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


@functools.lru_cache(maxsize=1024)
def _badge(css_class: str, label: str) -> SafeString:
    return format_html('<span class="badge {}">{}</span>', css_class, label)


def badge(css_class: str, label) -> SafeString:
    """``<span class="badge …">label</span>``: a list shows the same few statuses on every row, so
    each class and label is escaped once (format_html was ~3% of a list page)."""
    return _badge(css_class, str(label))


# Date format characters whose output is a number: formatted directly, without django.utils.dateformat.
_NUMERIC_DATE = {
    "d": "{0.day:02d}",
    "j": "{0.day}",
    "m": "{0.month:02d}",
    "n": "{0.month}",
    "Y": "{0.year:04d}",
    "y": "{y:02d}",
    "H": "{0.hour:02d}",
    "G": "{0.hour}",
    "i": "{0.minute:02d}",
    "s": "{0.second:02d}",
}


def _date_formatter(date_format: str):
    """The ``date`` template filter with this format, as a function of a date or datetime."""
    if all(c in _NUMERIC_DATE or c in " /-.:," for c in date_format) and "{" not in date_format:
        template = "".join(_NUMERIC_DATE.get(c, c) for c in date_format)
        time_used = any(c in "HGis" for c in date_format)

        def numeric(value):
            if time_used and not isinstance(value, datetime.datetime):
                return formats.date_format(value, date_format)  # a time of a date: the filter's own answer
            return template.format(value, y=value.year % 100)

        return numeric
    return lambda value: formats.date_format(value, date_format)


def _has_callable(attrs) -> bool:
    return any(callable(v) or (isinstance(v, dict) and _has_callable(v)) for v in attrs.values())


class _Cell:
    """How one column's cells are rendered: its ``<td>`` attributes and a function of the row."""

    def __init__(self, table, bound_column):
        self.bound_column = bc = bound_column
        self.column = column = bc.column
        self.name = bc.name
        self.empty_values = column.empty_values
        self.default = bc.default
        self.link = bc.link
        bits = bc.accessor.bits
        self.path, self.last = bits[:-1], bits[-1] if bits else None
        self.choice_fields = {}  # model class of the penultimate object → (field with choices or None, its display is Django's own)
        # The attributes of <td>: computed once, unless one depends on the cell.
        merged = {**table.attrs, **column.attrs}
        td_attrs = merged.get("td", merged.get("cell", {}))
        self.td_static = None if _has_callable(td_attrs) else self._td_open(bc.attrs["td"])
        self.localize = column.localize
        # The content: the table's render_<name>, a plain value, a date, or django-tables2 itself.
        self.render = None
        self.arguments = None
        self.date_format = None
        self.fallback = False
        if bc.render != column.render:  # render_<name> on the table
            self.arguments = _wanted_arguments(bc.render)
            self.render = bc.render
            self.fallback = self.arguments is None
        elif type(column) in (DateColumn, DateTimeColumn) and (m := _DATE_TEMPLATE.match(column.template_code or "")):
            self.date_format = _date_formatter(m.group(1))
        elif type(column) is not tables.Column:
            self.fallback = True
        if self.link is not None and (self.link.attrs or not callable(self.link.url)):
            self.fallback = True  # attributes of <a>, reverse() arguments, get_absolute_url: left to django-tables2
        elif self.link is not None:
            self.link_arguments = _wanted_arguments(self.link.url)
            self.fallback = self.fallback or self.link_arguments is None

    @staticmethod
    def _td_open(attrs: AttributeDict) -> str:
        html = attrs.as_html()
        return f"<td {html}>" if html else "<td>"

    def _value(self, record):
        """The cell's value as django-tables2 resolves it: ``get_FOO_display()`` for a field with
        choices, None when the path crosses a missing object."""
        current = record
        try:
            for bit in self.path:
                current = getattr(current, bit) if isinstance(current, models.Model) else tables.A(bit).resolve(current)
                if callable(current):
                    current = current()
                if current is None:
                    return None
            if isinstance(current, models.Model):
                model = type(current)
                known = self.choice_fields.get(model)
                if known is None:
                    try:
                        field = tables.A(self.bound_column.accessor).get_field(record)
                    except FieldDoesNotExist:
                        field = None
                    display = inspect.getattr_static(model, f"get_{self.last}_display", None)
                    if not getattr(field, "choices", ()) or display is None:
                        field = None
                    known = self.choice_fields[model] = (field, isinstance(display, partialmethod))
                field, generated = known
                if field is not None:
                    if generated:
                        return _choice_label(field, getattr(current, field.attname))
                    return getattr(current, f"get_{self.last}_display")()
                value = getattr(current, self.last)
            else:
                value = tables.A(self.last).resolve(current)
            if callable(value) and not getattr(value, "do_not_call_in_templates", False):
                if getattr(value, "alters_data", False):
                    return None
                value = value()
            return value
        except Exception:
            return None

    def content(self, table, row) -> str:
        """What goes inside <td>, escaped."""
        if self.fallback:
            return self._output(row.get_cell(self.name))
        record = row.record
        value = self._value(record)
        if value in self.empty_values:
            return self._output(self.default)
        if self.render is not None:
            offered = {
                "value": value,
                "record": record,
                "column": self.column,
                "bound_column": self.bound_column,
                "bound_row": row,
                "table": table,
            }
            names, catch_all = self.arguments
            content = self.render(**offered) if catch_all else self.render(**{n: offered[n] for n in names})
        elif self.date_format is not None:
            # DateColumn's {{ value|date:"…"|default:default }}: local time, then the date filter.
            formatted = self.date_format(template_localtime(value)) if value not in (None, "") else ""
            content = mark_safe(_escape(formatted or self.default))
        else:
            content = value
        if self.link is None:
            return self._output(content)
        offered = {
            "value": value,
            "record": record,
            "column": self.column,
            "bound_column": self.bound_column,
            "bound_row": row,
            "table": table,
        }
        names, catch_all = self.link_arguments
        href = self.link.url(**offered) if catch_all else self.link.url(**{n: offered[n] for n in names})
        if href is None:
            return self._output(content)
        return f'<a href="{_escape(href)}">{_escape(content)}</a>'  # LinkTransform's format_html("<a {}>{}</a>")

    def _output(self, content) -> str:
        """``{{ cell }}`` (or ``|localize`` / ``|unlocalize``) in django-tables2's template."""
        if type(content) is str:
            return html.escape(content)
        if isinstance(content, SafeData):
            return content
        if self.localize is None:
            content = formats.localize(template_localtime(content))
        elif self.localize:
            content = formats.localize(template_localtime(content), use_l10n=True)
        else:
            content = str(formats.localize(content, use_l10n=False))
        return _escape(content)

    def td(self, table, row, content) -> str:
        if self.td_static is not None:
            return self.td_static
        bc = self.bound_column
        bc.current_value, bc.current_record = content, row.record
        return self._td_open(bc.attrs["td"])


class pk_url:
    """``linkify=pk_url("app:detail")``: the URL of ``reverse("app:detail", args=[record.pk])`` (what the
    models' get_absolute_url() return), reversed once per language rather than once per row."""

    _marker = 918273645546372819

    def __init__(self, viewname: str):
        self.viewname = viewname
        self._split: dict[tuple, tuple[str, str] | None] = {}

    def __call__(self, record) -> str:
        key = (get_language(), get_script_prefix(), get_urlconf())
        split = self._split.get(key, False)
        if split is False:
            url = reverse(self.viewname, args=[self._marker])
            split = self._split[key] = (
                tuple(url.split(str(self._marker))) if url.count(str(self._marker)) == 1 else None
            )
        if split is None:
            return reverse(self.viewname, args=[record.pk])
        return f"{split[0]}{record.pk}{split[1]}"


class FastTable(tables.Table):
    """A django-tables2 table whose rows are built by :meth:`body_html` (see the module)."""

    base_template = settings.DJANGO_TABLES2_TEMPLATE  # what includes/fast_table.html extends

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Unless a template was chosen for this table (its Meta or the template_name argument).
        if self._template is None and self._meta.template_name == self.base_template:
            self._template = "includes/fast_table.html"

    def body_html(self) -> SafeString:
        columns = list(self.columns)
        cells = [_Cell(self, bc) for bc in columns]
        row_open = {}  # "even"/"odd" → <tr …>, when no row attribute depends on the row
        if not _has_callable(self.row_attrs):
            extra = self.row_attrs.get("class")
            for parity in ("even", "odd"):
                row_open[parity] = (
                    f"<tr {AttributeDict({**self.row_attrs, 'class': f'{extra} {parity}' if extra else parity}).as_html()}>"
                )
        parts = []
        for row in self.paginated_rows:
            if row_open and type(row) is tables.rows.BoundRow:
                parts.append(row_open[row.get_even_odd_css_class()])
            else:
                parts.append(f"<tr {row.attrs.as_html()}>")
            for cell in cells:
                content = cell.content(self, row)
                parts.append(f"{cell.td_static or cell.td(self, row, content)}{content}</td>")
            parts.append("</tr>")
        if not parts and self.empty_text:
            parts.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), self.empty_text))
        return mark_safe("".join(parts))

    def _query(self, **changes) -> str:
        """django-tables2's {% querystring_replace %}: the page's query string with ``changes``."""
        params = dict(self.request.GET) if self.request is not None else {}
        params.update(changes)
        return html.escape("?" + urlencode(params, doseq=True))

    def header_html(self) -> SafeString:
        """The <thead> of django-tables2's bootstrap5 template: sortable headers link to the other order."""
        if not self.show_header:
            return mark_safe("")
        cells = []
        for column in self.columns:
            header = _escape(column.header)
            if column.orderable:
                header = f'<a href="{self._query(**{self.prefixed_order_by_field: column.order_by_alias.next})}">{header}</a>'
            cells.append(f'<th {column.attrs["th"].as_html()} scope="col">{header}</th>')
        return mark_safe(f"<thead {self.attrs['thead'].as_html()}><tr>{''.join(cells)}</tr></thead>")

    def pagination_html(self) -> SafeString:
        """The pagination of django-tables2's bootstrap5 template (its own "previous"/"next" messages)."""
        page = getattr(self, "page", None)
        if not page or self.paginator.num_pages <= 1:
            return mark_safe("")
        field = self.prefixed_page_field
        items = []
        previous, next_ = _escape(gettext("previous")), _escape(gettext("next"))
        if page.has_previous():
            items.append(f'<li class="previous page-item"><a href="{self._query(**{field: page.previous_page_number()})}" class="page-link">'
                         f'<span aria-hidden="true">&laquo;</span> {previous}</a></li>')  # fmt: skip
        if page.has_previous() or page.has_next():
            for p in table_page_range(page, self.paginator):
                href = f'href="{self._query(**{field: p})}"' if p != "..." else ""
                items.append(
                    f'<li class="page-item{" active" if page.number == p else ""}"><a class="page-link" {href}>{_escape(formats.localize(p))}</a></li>'
                )
        if page.has_next():
            items.append(f'<li class="next page-item"><a href="{self._query(**{field: page.next_page_number()})}" class="page-link">'
                         f'{next_} <span aria-hidden="true">&raquo;</span></a></li>')  # fmt: skip
        return mark_safe(
            f'<nav aria-label="Table navigation"><ul class="pagination justify-content-center">{"".join(items)}</ul></nav>'
        )
