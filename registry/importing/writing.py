"""Writing a plan: new households and people by COPY, changed ones by one UPDATE per table, and an
audit row (django-auditlog's LogEntry, written in bulk since COPY sends no signals) for every record
created or changed, with the actor, the request id (cid) and the batch in additional_data.

Runs inside the caller's transaction: either everything is written or nothing.
"""

import datetime
import json
from operator import itemgetter

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from onegate.copying import allocate_ids, copy_rows, update_rows

from ..models import (
    DisabilityProfile,
    DtksStatus,
    Household,
    Person,
    PersonPpks,
    PpksCategory,
    Program,
    ProgramReceipt,
    WelfareProfile,
)
from .planning import (
    DISABILITY_FIELDS,
    HOUSEHOLD_FIELDS,
    PERSON_FIELDS,
    WELFARE_FIELDS,
    Plan,
)

PPKS_SOURCE = "Impor data"
LOG_COLUMNS = (
    "content_type_id", "object_pk", "object_id", "object_repr", "action", "changes_text", "changes",
    "actor_id", "cid", "remote_addr", "timestamp", "additional_data", "actor_email",
)  # fmt: skip


class AuditTrail:
    """LogEntry rows as django-auditlog writes them (JSON changes {field: [old, new]}, dates as
    text, datetimes naive UTC, foreign keys as their ids, the model's excluded fields left out),
    COPied at the end. Each row is made when its record is written: while PostgreSQL stores the
    records of a COPY, Python makes their audit rows."""

    def __init__(self, *, actor, cid: str | None, remote_addr: str | None, batch_id: int, now, models):
        self.rows = []  # LogEntry rows without the columns they all share
        self.content_types = {m: ct.pk for m, ct in ContentType.objects.get_for_models(*models).items()}
        self.names = {model: _FieldNames(model) for model in models}
        stamps = {"created_by_id": actor.pk, "created_at": now, "updated_at": now}
        self.stamps = {
            model: _JSON.encode(self.names[model].created(stamps))[1:-1] for model in models
        }  # "k":[null,v],…
        additional = _JSON.encode({"import_batch": batch_id}).encode()
        self.shared = (actor.pk, cid, remote_addr, now, additional, actor.email or None)

    def created(self, model, pk: int, text: str, values: dict, stamped: bool = False) -> None:
        """``stamped``: the record has the import's stamps (who created it and when) besides ``values``."""
        changes = _JSON.encode({"id": [None, pk], **self.names[model].created(values)})
        if stamped:
            changes = f"{changes[:-1]},{self.stamps[model]}}}"
        self.rows.append((self.content_types[model], str(pk), pk, text, LogEntry.Action.CREATE, "", changes.encode()))

    def updated(self, model, pk: int, text: str, changes: dict) -> None:
        changes = _JSON.encode({_name(k): [old, new] for k, (old, new) in changes.items()})
        self.rows.append((self.content_types[model], str(pk), pk, text, LogEntry.Action.UPDATE, "", changes.encode()))

    def __len__(self):
        return len(self.rows)

    def write(self) -> None:
        if self.rows:
            shared = self.shared
            copy_rows(LogEntry, LOG_COLUMNS, (row + shared for row in self.rows), json_as_text=True)


class _FieldNames:
    """How auditlog names a model's fields in its changes (region_id → region), None for the
    fields it leaves out."""

    def __init__(self, model):
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


def write_plan(plan: Plan, *, actor, batch_id: int, cid: str | None, remote_addr: str | None = None) -> dict:
    """Write everything the plan holds; returns the number of records written per kind. The caller
    has checked that the plan still holds (rechecking.still_holds)."""
    now = timezone.now()
    models = (Household, Person, DisabilityProfile, WelfareProfile, ProgramReceipt, PersonPpks)
    audit = AuditTrail(actor=actor, cid=cid, remote_addr=remote_addr, batch_id=batch_id, now=now, models=models)
    stamps = {"created_by_id": actor.pk, "created_at": now, "updated_at": now}
    stamp_values = tuple(stamps.values())
    counts = {}

    # Households.
    households = list(plan.households.values())
    new = [w for w in households if w.id is None]
    changed = [w for w in households if w.id is not None]
    for write, pk in zip(new, allocate_ids(Household, len(new)), strict=True):
        write.id = pk
    fields = itemgetter(*HOUSEHOLD_FIELDS)
    rows = [((w.id, *fields(w.values), *stamp_values), (w.id, w.label, w.values)) for w in new]
    _copy_audited(audit, Household, ("id", *HOUSEHOLD_FIELDS, *stamps), rows, stamped=True)
    update_rows(Household, ("id", *HOUSEHOLD_FIELDS, "updated_at"), [(w.id, *fields(w.values), now) for w in changed])
    for w in changed:
        audit.updated(Household, w.id, w.label, w.changes)
    counts["households_created"], counts["households_updated"] = len(new), len(changed)

    # People.
    for write in plan.people:
        if write.new_household:
            household_id = plan.households[write.new_household].id
            if write.id is not None:
                write.changes["household_id"] = [write.changes.get("household_id", [None])[0], household_id]
            write.values["household_id"] = household_id
    new = [w for w in plan.people if w.id is None]
    changed = [w for w in plan.people if w.id is not None and w.changes]
    for write, pk in zip(new, allocate_ids(Person, len(new)), strict=True):
        write.id = pk
    fields = itemgetter(*PERSON_FIELDS)
    rows = [((w.id, *fields(w.values), *stamp_values), (w.id, w.values["full_name"], w.values)) for w in new]
    _copy_audited(audit, Person, ("id", *PERSON_FIELDS, *stamps), rows, stamped=True)
    update_rows(Person, ("id", *PERSON_FIELDS, "updated_at"), [(w.id, *fields(w.values), now) for w in changed])
    for w in changed:
        audit.updated(Person, w.id, w.values["full_name"], w.changes)
    counts["people_created"], counts["people_updated"] = len(new), len(changed)

    _write_profiles(plan, audit)
    audit.write()
    counts["audit_entries"] = len(audit)
    return counts


def _copy_audited(
    audit: AuditTrail, model, columns: tuple[str, ...], rows: list[tuple], *, stamped: bool = False
) -> None:
    """COPY new records, given as (row to COPY, (pk, label, values) for the audit trail), each
    audited as it is sent: Python makes the audit rows while PostgreSQL stores the records."""

    def sent():
        for row, (pk, label, values) in rows:
            audit.created(model, pk, label, values, stamped)
            yield row

    if rows:
        copy_rows(model, columns, sent())


def _labels(choices) -> dict[str, str]:
    """Each choice's label, translated once (not once per row)."""
    return {value: str(label) for value, label in choices.choices}


def _write_profiles(plan: Plan, audit: AuditTrail) -> None:
    dtks, programs_text = _labels(DtksStatus), _labels(Program)
    for model, attr, fields, text in (
        (DisabilityProfile, "disability", DISABILITY_FIELDS, lambda name, v: f"{name}: {', '.join(v['types'])}"),
        (WelfareProfile, "welfare", WELFARE_FIELDS, lambda name, v: f"{name}: {dtks[v['dtks_status']]}"),
    ):
        writes = [(p, getattr(p, attr)) for p in plan.people if getattr(p, attr) is not None]
        new = [(p, w) for p, w in writes if w.id is None]
        changed = [(p, w) for p, w in writes if w.id is not None and w.changes]
        for (_, w), pk in zip(new, allocate_ids(model, len(new)), strict=True):
            w.id = pk
        get = itemgetter(*fields)
        rows = [
            (
                (w.id, p.id, *get(w.values)),
                (w.id, text(p.values["full_name"], w.values), {"person_id": p.id, **w.values}),
            )
            for p, w in new
        ]
        _copy_audited(audit, model, ("id", "person_id", *fields), rows)
        update_rows(model, ("id", *fields), [(w.id, *get(w.values)) for _, w in changed])
        for p, w in changed:
            audit.updated(model, w.id, text(p.values["full_name"], w.values), w.changes)

    programs = [(p, program, year) for p in plan.people for program, year in p.programs]
    rows = [
        (
            (pk, p.id, program, year),
            (pk, f"{programs_text[program]} {year}", {"person_id": p.id, "program": program, "year": year}),
        )
        for pk, (p, program, year) in zip(allocate_ids(ProgramReceipt, len(programs)), programs, strict=True)
    ]
    _copy_audited(audit, ProgramReceipt, ("id", "person_id", "program", "year"), rows)

    ppks = [(p, category) for p in plan.people for category in p.ppks]
    names = dict(PpksCategory.objects.values_list("id", "name")) if ppks else {}
    record = {"source": PPKS_SOURCE, "status": "aktif"}
    rows = [
        (
            (pk, p.id, category, PPKS_SOURCE),
            (pk, f"{p.values['full_name']}: {names[category]}", {"person_id": p.id, "category_id": category, **record}),
        )
        for pk, (p, category) in zip(allocate_ids(PersonPpks, len(ppks)), ppks, strict=True)
    ]
    _copy_audited(audit, PersonPpks, ("id", "person_id", "category_id", "source"), rows)
