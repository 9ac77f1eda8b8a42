"""Audit entries of a bulk write (the registry import writes its records by COPY, which sends no
signals): the same entries auditlog writes for a save, made while the records are written and
COPied into the trail at the end, in the caller's transaction.

Entries as auditlog keeps them: JSON changes {field: [old, new]}, dates as text, datetimes naive
UTC, foreign keys as their ids, the model's excluded fields left out; placed like any entry (region,
and the record they are about)."""

import datetime
import json

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from onegate.copying import copy_rows

from . import entry_model, placement

_COLUMNS = (
    "content_type_id", "object_pk", "object_id", "object_repr", "action", "changes_text", "changes",
    "region_id", "about_type_id", "about_id",
    "actor_id", "cid", "remote_addr", "timestamp", "additional_data", "actor_email",
)  # fmt: skip


class BulkTrail:
    """Collects the entries of one bulk write; :meth:`write` COPies them."""

    def __init__(self, *, actor, cid: str | None, remote_addr: str | None, now, models, additional_data: dict):
        self.rows = []  # entries without the columns they all share
        types = ContentType.objects.get_for_models(*models)
        self.content_types = {m: ct.pk for m, ct in types.items()}
        self.about = {m: _about_type(m) for m in models}
        self.names = {model: _FieldNames(model) for model in models}
        stamps = {"created_by_id": actor.pk, "created_at": now, "updated_at": now}
        self.stamps = {
            model: _JSON.encode(self.names[model].created(stamps))[1:-1] for model in models
        }  # "k":[null,v],…
        self.shared = (actor.pk, cid, remote_addr, now, _JSON.encode(additional_data).encode(), actor.email or None)

    def created(self, model, pk: int, text: str, values: dict, *, region_id, about_id=None, stamped=False) -> None:
        """``values``: the record's fields by column name; ``about_id``: the record the entry is about
        (None: the record itself, when its model's entries are about themselves); ``stamped``: the
        record has the writer's stamps (who created it and when) besides ``values``."""
        changes = _JSON.encode({"id": [None, pk], **self.names[model].created(values)})
        if stamped:
            changes = f"{changes[:-1]},{self.stamps[model]}}}"
        self._add(model, pk, text, entry_model().Action.CREATE, changes, region_id, about_id)

    def updated(self, model, pk: int, text: str, changes: dict, *, region_id, about_id=None) -> None:
        """``changes``: {column name: [old, new]}."""
        changes = _JSON.encode({_name(k): [old, new] for k, (old, new) in changes.items()})
        self._add(model, pk, text, entry_model().Action.UPDATE, changes, region_id, about_id)

    def _add(self, model, pk, text, action, changes, region_id, about_id):
        about_type = self.about[model]
        if about_type is not None and about_id is None:
            about_id = pk
        row = (
            self.content_types[model],
            str(pk),
            pk,
            text,
            action,
            "",
            changes.encode(),
            region_id,
            about_type,
            about_id,
        )
        self.rows.append(row)

    def __len__(self):
        return len(self.rows)

    def write(self) -> None:
        shared = self.shared
        copy_rows(entry_model(), _COLUMNS, [row + shared for row in self.rows], json_as_text=True)


def _about_type(model) -> int | None:
    about = placement.for_model(model).about
    if about is None:
        return None
    related = model if about == placement.SELF else model._meta.get_field(about).related_model
    return ContentType.objects.get_for_model(related).pk


class _FieldNames:
    """How auditlog names a model's fields in its changes (region_id → region), None for the
    fields it leaves out."""

    def __init__(self, model):
        from auditlog.registry import auditlog

        self.excluded = set(auditlog.get_model_fields(model)["exclude_fields"])
        self.names = {}

    def created(self, values: dict) -> dict:
        """The changes of a record created with ``values``: the fields with a value."""
        names = self.names
        changes = {}
        for attname, v in values.items():
            if v or v is False or v == 0:  # not None, "" or []
                name = names[attname] if attname in names else self._name(attname)
                if name is not None:
                    changes[name] = [None, v]
        return changes

    def _name(self, attname: str) -> str | None:
        name = self.names[attname] = None if attname in self.excluded else _name(attname)
        return name


def _value(value):
    """A value as django-auditlog keeps it in JSON changes: dates as text, datetimes naive UTC."""
    if isinstance(value, datetime.datetime):
        return str(timezone.make_naive(value, datetime.UTC) if timezone.is_aware(value) else value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"{value.__class__.__name__} is not JSON serializable")


_JSON = json.JSONEncoder(default=_value, separators=(",", ":"))  # jsonb keeps no spaces anyway
_NAMES: dict[str, str] = {}


def _name(attname: str) -> str:
    """A field's name from its column name (region_id → region), as auditlog keys its changes."""
    if attname not in _NAMES:
        _NAMES[attname] = attname.removesuffix("_id")
    return _NAMES[attname]
