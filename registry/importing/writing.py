"""Writing a plan: new households and people by COPY, changed ones by one UPDATE per table, and an
audit entry (onegate.audit's bulk trail, since COPY sends no signals) for every record created or
changed, with the actor, the request id (cid) and the batch in additional_data.

Runs inside the caller's transaction: either everything is written or nothing.
"""

from operator import itemgetter

from django.utils import timezone

from onegate.audit.bulk import BulkTrail
from onegate.copying import allocate_ids, copy_rows, update_rows

from ..models import (
    DisabilityProfile,
    DisabilityType,
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


def write_plan(plan: Plan, *, actor, batch_id: int, cid: str | None, remote_addr: str | None = None) -> dict:
    """Write everything the plan holds; returns the number of records written per kind. The caller
    has checked that the plan still holds (rechecking.still_holds)."""
    now = timezone.now()
    models = (Household, Person, DisabilityProfile, WelfareProfile, ProgramReceipt, PersonPpks)
    audit = BulkTrail(
        actor=actor,
        cid=cid,
        remote_addr=remote_addr,
        now=now,
        models=models,
        additional_data={"import_batch": batch_id},
    )
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
    rows = [((w.id, *fields(w.values), *stamp_values), (w.id, w.label, w.values, None)) for w in new]
    _copy_audited(audit, Household, ("id", *HOUSEHOLD_FIELDS, *stamps), rows, stamped=True)
    update_rows(Household, ("id", *HOUSEHOLD_FIELDS, "updated_at"), [(w.id, *fields(w.values), now) for w in changed])
    for w in changed:
        audit.updated(Household, w.id, w.label, w.changes, region_id=w.values["region_id"])
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
    rows = [((w.id, *fields(w.values), *stamp_values), (w.id, w.values["full_name"], w.values, None)) for w in new]
    _copy_audited(audit, Person, ("id", *PERSON_FIELDS, *stamps), rows, stamped=True)
    update_rows(Person, ("id", *PERSON_FIELDS, "updated_at"), [(w.id, *fields(w.values), now) for w in changed])
    for w in changed:
        audit.updated(Person, w.id, w.values["full_name"], w.changes, region_id=w.values["region_id"])
    counts["people_created"], counts["people_updated"] = len(new), len(changed)

    _write_profiles(plan, audit)
    audit.write()
    counts["audit_entries"] = len(audit)
    return counts


def _copy_audited(
    audit: BulkTrail, model, columns: tuple[str, ...], rows: list[tuple], *, stamped: bool = False
) -> None:
    """COPY new records, given as (row to COPY, (pk, label, values, person) for the audit trail;
    person: the one a profile belongs to, whose region places it), each audited as it is sent:
    Python makes the audit rows while PostgreSQL stores the records."""

    def sent():
        for row, (pk, label, values, person) in rows:
            if person is None:
                audit.created(model, pk, label, values, region_id=values["region_id"], stamped=stamped)
            else:
                audit.created(model, pk, label, values, region_id=person.values["region_id"], about_id=person.id)
            yield row

    if rows:
        copy_rows(model, columns, sent())


def _labels(choices) -> dict[str, str]:
    """Each choice's label, translated once (not once per row)."""
    return {value: str(label) for value, label in choices.choices}


def _write_profiles(plan: Plan, audit: BulkTrail) -> None:
    dtks, programs_text, types = _labels(DtksStatus), _labels(Program), _labels(DisabilityType)
    for model, attr, fields, text in (
        (
            DisabilityProfile,
            "disability",
            DISABILITY_FIELDS,
            lambda name, v: f"{name}: {', '.join(types.get(t, t) for t in v['types'])}",
        ),
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
                (w.id, text(p.values["full_name"], w.values), {"person_id": p.id, **w.values}, p),
            )
            for p, w in new
        ]
        _copy_audited(audit, model, ("id", "person_id", *fields), rows)
        update_rows(model, ("id", *fields), [(w.id, *get(w.values)) for _, w in changed])
        for p, w in changed:
            label = text(p.values["full_name"], w.values)
            audit.updated(model, w.id, label, w.changes, region_id=p.values["region_id"], about_id=p.id)

    programs = [(p, program, year) for p in plan.people for program, year in p.programs]
    rows = [
        (
            (pk, p.id, program, year),
            (pk, f"{programs_text[program]} {year}", {"person_id": p.id, "program": program, "year": year}, p),
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
            (
                pk,
                f"{p.values['full_name']}: {names[category]}",
                {"person_id": p.id, "category_id": category, **record},
                p,
            ),
        )
        for pk, (p, category) in zip(allocate_ids(PersonPpks, len(ppks)), ppks, strict=True)
    ]
    _copy_audited(audit, PersonPpks, ("id", "person_id", "category_id", "source"), rows)
