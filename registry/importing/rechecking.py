"""Before a plan is written: what it relies on, checked again.

The plan of the preview is written when the upload is confirmed, minutes or hours later, while
others go on working: a record the plan changes may have been edited, a NIK or KK number it gives
registered, a person a row was matched to by name joined by a namesake. ``still_holds`` reads
again only what the plan relies on, so an import that writes little checks little:

- the records it changes, and the households it adds or changes members of, are the versions read
  (they stay locked until the end of the transaction, so nobody changes them before the write);
- the NIKs and KK numbers it gives are nobody's;
- the people it adds a profile, programme or PPKS record to have none of them yet;
- for the rows matched by name (or found nobody by name), the people found are the same;
- the user's scope is the same.

A number registered or a record added after this check still cannot be written twice: the unique
constraints refuse it and the batch fails with nothing saved (batches.run_apply).

When it does not hold the file is planned again, from the records as they are now; a record that
plan would change and that is no longer the version the preview read (or that the preview did not
change at all) was edited after the preview: ``set_aside_edited`` leaves it as it is and reports
its row as a conflict, so an import never overwrites newer work.
"""

from collections import defaultdict

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_noop

from onegate.audit import entries_about
from onegate.copying import array_of, lock_rows

from ..models import (
    DisabilityProfile,
    Household,
    Person,
    PersonPpks,
    ProgramReceipt,
    WelfareProfile,
    household_label,
)
from .planning import (
    Plan,
    Planner,
    Write,
    candidate_list,
    scope_of,
    version_of,
)
from .problems import message

_EDITED_BY = gettext_noop(
    "Changed by %(who)s on %(when)s, after the preview: not updated. Import the file again to apply this row."
)
_EDITED = gettext_noop("Changed on %(when)s, after the preview: not updated. Import the file again to apply this row.")


class RecordsChanged(Exception):
    """Someone changed what the plan relies on while the import was being written."""


def still_holds(plan: Plan, user) -> bool:
    return (
        plan.scope == scope_of(user)
        and records_unchanged(plan)
        and _numbers_free(plan)
        and _nothing_added(plan)
        and _same_candidates(plan, user)
    )


def records_unchanged(plan: Plan) -> bool:
    """Lock the records the plan writes to (or adds members to) and check that they are the
    versions read: the write sets every imported field from what was read, so a change made
    meanwhile (a form saved) would be lost otherwise."""
    people = [w for w in plan.people if w.id is not None]
    for model, writes in (
        (Household, [w for w in plan.households.values() if w.id is not None] + plan.member_households),
        (Person, people),
        (DisabilityProfile, [p.disability for p in people if p.disability is not None and p.disability.id is not None]),
        (WelfareProfile, [p.welfare for p in people if p.welfare is not None and p.welfare.id is not None]),
    ):
        table = connection.ops.quote_name(model._meta.db_table)
        if writes and dict(lock_rows(model, [w.id for w in writes], version_of(table))) != {
            w.id: w.seen for w in writes
        }:
            return False
    return True


def versions_seen(plan: Plan) -> dict[tuple[type, int], str]:
    """The version of every stored record the plan changes, as its preview read it."""
    return {(model, w.id): w.seen for model, w, _person in _changed_records(plan)}


def set_aside_edited(plan: Plan, preview: Plan) -> None:
    """Take out of ``plan`` (made again at the confirmation, its records locked and read) every
    record edited after the ``preview``, with the rest of its person's row, and report it in
    ``plan.conflicts``. Edited: not the version the preview read or, for a record the preview did
    not change, changed in the audit trail since the preview was made (a record registered since
    is matched and completed, as the preview would have done). One query, for who edited what:
    the versions were read with the plan."""
    seen = versions_seen(preview)
    suspects = [(model, w, person) for model, w, person in _changed_records(plan) if seen.get((model, w.id)) != w.seen]
    if not suspects:
        return
    ids = defaultdict(list)
    for model, w, _person in suspects:
        ids[model].append(w.id)
    last_edit = _last_edits(ids)
    dropped_people, dropped_households = set(), set()
    by_line = {p.line: p for p in plan.people}
    for model, w, person in suspects:
        who, when = last_edit.get((model, w.id), (None, None))
        if (model, w.id) not in seen and (when is None or when < preview.made_at):
            continue
        text = message(_EDITED_BY, who=who, when=_shown_time(when)) if who else message(_EDITED, when=_shown_time(when))
        if model is Household:  # reported on its first row, named as that row's person or as stored
            dropped_households.add(w.id)
            row = by_line.get(w.line)
            nik, name = (row.values["nik"], row.values["full_name"]) if row else (None, _stored_label(w))
            plan.conflicts.append((w.line, "no_kk", text, nik, name))
        elif id(person) not in dropped_people:
            dropped_people.add(id(person))
            plan.conflicts.append((person.line, "nik", text, person.values["nik"], person.values["full_name"]))
    plan.people = [p for p in plan.people if id(p) not in dropped_people]
    plan.changed -= len(dropped_people)
    plan.households = {kk: w for kk, w in plan.households.items() if w.id not in dropped_households}
    plan.conflicts.sort(key=lambda conflict: conflict[0])


def _stored_label(household: Write) -> str:
    """The household's name as it was read, not as the file would change it."""
    return household_label(None, household.changes.get("address", [household.values["address"]])[0])


def _changed_records(plan: Plan):
    """(model, write, the person's write or None) of every stored record the plan changes."""
    for w in plan.households.values():
        if w.id is not None:
            yield Household, w, None
    for p in plan.people:
        if p.id is None:
            continue
        yield Person, p, p
        for model, profile in ((DisabilityProfile, p.disability), (WelfareProfile, p.welfare)):
            if profile is not None and profile.id is not None:
                yield model, profile, p


def _last_edits(records: dict[type, list[int]]) -> dict[tuple[type, int], tuple[str, object]]:
    """(model, pk) → (who, when) of the last change the audit trail holds of each record."""
    last = {}
    entries = entries_about(records)
    for entry in entries.filter(action=entries.model.Action.UPDATE):  # oldest first: the last one stays
        actor = entry.actor
        who = (actor.get_full_name() or actor.username) if actor else None
        last[(entry.content_type.model_class(), int(entry.object_pk))] = (who, entry.timestamp)
    return last


def _shown_time(when) -> str:
    """In the portal's time zone, dd/mm/yyyy; the time of the confirmation if the trail has none."""
    return timezone.localtime(when or timezone.now()).strftime("%d/%m/%Y %H:%M")


def _numbers_free(plan: Plan) -> bool:
    niks = [w.values["nik"] for w in plan.people if w.values["nik"] and (w.id is None or "nik" in w.changes)]
    kks = [kk for kk, w in plan.households.items() if w.id is None]
    return not (_found(Person, ("nik",), niks) or _found(Household, ("kk_number",), kks))


def _nothing_added(plan: Plan) -> bool:
    people = [w for w in plan.people if w.id is not None]
    new_disability = [w.id for w in people if w.disability is not None and w.disability.id is None]
    new_welfare = [w.id for w in people if w.welfare is not None and w.welfare.id is None]
    programs = {(w.id, program, year) for w in people for program, year in w.programs}
    ppks = {(w.id, category) for w in people for category in w.ppks}
    return not (
        _found(DisabilityProfile, ("person_id",), new_disability)
        or _found(WelfareProfile, ("person_id",), new_welfare)
        or programs & _found(ProgramReceipt, ("person_id", "program", "year"), list({p for p, _, _ in programs}))
        or ppks & _found(PersonPpks, ("person_id", "category_id"), list({p for p, _ in ppks}))
    )


def _same_candidates(plan: Plan, user) -> bool:
    if not plan.name_candidates:
        return True
    found = Planner(user=user, nik_warnings_confirmed=plan.nik_warnings_confirmed).name_candidates(*plan.name_places)
    return all(candidate_list(found.get(key, ())) == seen for key, seen in plan.name_candidates.items())


def _found(model, columns: tuple[str, ...], values: list) -> set[tuple]:
    """``columns`` of the rows whose first column is one of ``values``."""
    if not values:
        return set()
    quote = connection.ops.quote_name
    array, param = array_of(values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(model._meta.db_table)} WHERE {quote(columns[0])} = ANY({array})",
            [param],
        )
        return set(cursor.fetchall())
