"""The trail as a reader sees it: field names, choice labels, related records by name, lists, dates
and yes/no in the UI language; identity numbers whole or masked by the reader's role; for
administrators, who did what and when, never the personal values.

:func:`readable` takes a page of entries (select_related "content_type" and "actor") and makes
them readable with one query per kind of related record named, whatever the page holds.
"""

import ast
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils import dateparse, formats, timezone
from django.utils.encoding import force_str
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import placement

MAX_VALUE_CHARS = 80
EMPTY = "—"
# Bookkeeping a reader has no use for in a record's creation.
NOT_SHOWN_ON_CREATE = {"id", "created_at", "updated_at", "created_by", "row_version"}
# Keys of entries written by log_event (a merge), not fields.
EVENT_KEYS = {
    "merge": gettext_lazy("merged"),
    "moved": gettext_lazy("moved to the staying record"),
    "kept on the merged record": gettext_lazy("kept on the merged record"),
}


@dataclass
class Change:
    label: str
    before: str = ""
    after: str = ""
    key: str = ""  # the field (or event key) recorded


@dataclass
class ReadableEntry:
    entry: object
    kind: str  # the object's type, in the UI language
    name: str  # the object's name, "" when the reader may not see it
    lines: list[Change] = field(default_factory=list)  # the recorded changes, readable
    values_hidden: bool = False  # the changes are listed without their values

    def __getattr__(self, attr):  # timestamp, actor, action…: the entry's
        if attr.startswith("__") or attr == "entry":
            raise AttributeError(attr)
        return getattr(self.entry, attr)


# --- Who reads identity numbers whole (registry.privacy says, through reveal_identifiers) ---------

_identifiers = {"reveals": lambda user: False, "mask": lambda value: EMPTY}


def reveal_identifiers(*, to, mask) -> None:
    """``to(user)``: whether the user reads identity numbers whole; ``mask(value)`` otherwise."""
    _identifiers.update(reveals=to, mask=mask)


class Reader:
    def __init__(self, user):
        from onegate.accounts.models import Role

        self.user = user
        self.sees_personal_values = getattr(user, "role", None) != Role.ADMIN
        self.reads_identifiers = _identifiers["reveals"](user)

    def identifier(self, value) -> str:
        text = force_str(value)
        return text if self.reads_identifiers else _identifiers["mask"](text)


def readable(entries, user) -> list[ReadableEntry]:
    entries = list(entries)
    reader = Reader(user)
    names = _related_names(entries, reader)
    return [_readable(entry, reader, names) for entry in entries]


def _readable(entry, reader: Reader, names) -> ReadableEntry:
    model = entry.content_type.model_class()
    where = placement.for_model(model)
    kind = capfirst(force_str(model._meta.verbose_name if model else entry.content_type.model))
    if where.personal and not reader.sees_personal_values:
        labels = [Change(_label(model, key), key=key) for key in _shown_keys(entry)]
        return ReadableEntry(entry, kind, "", labels, values_hidden=True)
    row = ReadableEntry(entry, kind, entry.object_repr)
    for key in _shown_keys(entry):
        before, after = _pair(entry.changes[key])
        formatter = _Formatter(model, key, where, reader, names)
        row.lines.append(Change(_label(model, key), formatter(before), formatter(after), key=key))
    return row


def _shown_keys(entry) -> list[str]:
    model = entry.content_type.model_class()
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    # auditlog also records a new record's reverse relations ("referrals.ReferralEvent.None")
    changes = {k: v for k, v in changes.items() if not _is_reverse_relation(model, k)}
    if entry.action == entry.Action.DELETE:  # what was deleted is the object's name
        return []
    if entry.action == entry.Action.CREATE:  # the values set, not the empty or false ones
        return [k for k, v in changes.items() if k not in NOT_SHOWN_ON_CREATE and not _unset(_pair(v)[1])]
    return list(changes)


def _pair(values):
    """(before, after) of one recorded change; a many-to-many change as its operation."""
    if isinstance(values, dict) and values.get("type") == "m2m":
        objects = ", ".join(map(force_str, values.get("objects", ())))
        return (objects, None) if values.get("operation") == "delete" else (None, objects)
    if isinstance(values, list | tuple) and len(values) == 2:
        return values[0], values[1]
    return None, values


def _is_reverse_relation(model, key) -> bool:
    try:
        return model is not None and not model._meta.get_field(key).concrete
    except FieldDoesNotExist:
        return False


def _field(model, key):
    if model is None:
        return None
    try:
        found = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return found if found.concrete else None


def _label(model, key: str) -> str:
    model_field = _field(model, key)
    if model_field is not None and hasattr(model_field, "verbose_name"):
        return capfirst(force_str(model_field.verbose_name))
    if key in EVENT_KEYS:
        return capfirst(force_str(EVENT_KEYS[key]))
    return capfirst(key.replace("_", " "))


def _is_empty(value) -> bool:
    return value is None or value in ("", "None", [], "[]")


def _unset(value) -> bool:
    return _is_empty(value) or value is False or value == "False"


def _as_list(value):
    if isinstance(value, str) and value.startswith("["):  # entries written before JSON changes
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return [value]
    return value if isinstance(value, list | tuple) else [value]


def _is_foreign_key(model_field) -> bool:
    return model_field is not None and bool(model_field.many_to_one or model_field.one_to_one)


class _Formatter:
    """One field's recorded values as text for the reader."""

    def __init__(self, model, key, where, reader, names):
        self.field = _field(model, key)
        self.identifier = key in where.identifiers
        self.reader = reader
        self.names = names

    def __call__(self, value) -> str:
        if _is_empty(value):
            return EMPTY
        if self.identifier:
            return self.reader.identifier(value)
        text = self._text(value)
        return Truncator(text).chars(MAX_VALUE_CHARS)

    def _text(self, value) -> str:
        f = self.field
        if f is None:
            return ", ".join(force_str(v) for v in _as_list(value))
        base = getattr(f, "base_field", None)
        if base is not None:  # an array: each item as its field shows it
            choices = _choices(base)
            return ", ".join(choices.get(str(v), force_str(v)) for v in _as_list(value)) or EMPTY
        if f.choices:
            return _choices(f).get(str(value), force_str(value))
        if _is_foreign_key(f):
            return _related_name(self.names, f, value)
        kind = f.get_internal_type()
        if kind in ("BooleanField", "NullBooleanField"):
            return _("yes") if str(value) in ("True", "true", "1") else _("no")
        if kind == "DateTimeField":
            return _datetime(value)
        if kind == "DateField":
            parsed = dateparse.parse_date(str(value)[:10]) if value else None
            return formats.date_format(parsed, "SHORT_DATE_FORMAT") if parsed else force_str(value)
        return force_str(value)


def _choices(model_field) -> dict[str, str]:
    return {str(k): force_str(v) for k, v in model_field.flatchoices}


def _datetime(value) -> str:
    try:
        parsed = dateparse.parse_datetime(str(value))
    except ValueError:
        parsed = None
    if parsed is None:
        return force_str(value)
    if timezone.is_naive(parsed):  # auditlog keeps datetimes in UTC
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return formats.date_format(timezone.localtime(parsed), "SHORT_DATETIME_FORMAT")


def _related_pk(model_field, value):
    try:
        return model_field.related_model._meta.pk.to_python(value)
    except (ValidationError, TypeError):
        return None


def _related_names(entries, reader: Reader) -> dict:
    """The names of every record the entries' changed foreign keys point to: one query per model
    (with what its __str__ reads, a model's ``str_prefetch``)."""
    wanted = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        if not isinstance(entry.changes, dict) or (
            placement.for_model(model).personal and not reader.sees_personal_values
        ):
            continue
        for key in _shown_keys(entry):
            values, model_field = entry.changes[key], _field(model, key)
            if _is_foreign_key(model_field) and not model_field.choices:
                for value in _pair(values):
                    if not _is_empty(value) and (pk := _related_pk(model_field, value)) is not None:
                        wanted[model_field.related_model].add(pk)
    names = {}
    for model, pks in wanted.items():
        records = model._base_manager.prefetch_related(*getattr(model, "str_prefetch", ())).in_bulk(list(pks))
        names[model] = {pk: force_str(obj) for pk, obj in records.items()}
    return names


def _related_name(names, model_field, value) -> str:
    related = model_field.related_model
    pk = _related_pk(model_field, value)
    found = names.get(related, {}).get(pk)
    if found is not None:
        return found
    return _("%(kind)s #%(pk)s (deleted)") % {"kind": force_str(related._meta.verbose_name), "pk": value}
