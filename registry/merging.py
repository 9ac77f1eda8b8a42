"""Duplicate review: finding people who are probably registered twice, recording that two are
different people, and merging two records of one person into one.

Finding pairs means comparing names within each birth date of a whole regency/city: live, that
takes half a minute at a million people. So a scan stores the pairs in DuplicatePair: a full scan
at night, and every few minutes a scan of the people added or changed since the last one
(registry/tasks.py). The review list reads the stored pairs and leaves out merged people and
dismissed pairs at read time, so decisions show at once."""

import datetime
import json

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from onegate import audit, scoping, versioning

from . import services
from .models import (
    DisabilityProfile,
    DuplicateDismissal,
    DuplicatePair,
    DuplicateScan,
    Person,
    PersonPpks,
    ProgramReceipt,
    VerificationStatus,
    WelfareProfile,
)
from .selectors import people_visible_to

MERGE = "merge"  # the scoping action: managers only (registry/apps.py)
HOUSEHOLD_NAME_SIMILARITY = 0.8  # same KK: only very close names, since relatives share names
# A change committed a little after a scan started may carry an earlier timestamp: look back.
SCAN_OVERLAP = datetime.timedelta(minutes=10)
SCAN_LOCK_KEY = 3576_0002  # PostgreSQL advisory lock: one scan at a time

# The fields a manager chooses between, per field, when merging.
MERGE_FIELDS = (
    "nik",
    "full_name",
    "sex",
    "birth_place",
    "birth_date",
    "religion",
    "marital_status",
    "education",
    "occupation",
    "phone",
    "mother_name",
    "region",
    "domicile_address",
    "life_status",
)
SURVIVOR, DUPLICATE = "survivor", "duplicate"
# Rows that are part of a person's own record: moving one to the survivor changes that record.
PERSON_RECORDS = (DisabilityProfile, WelfareProfile, ProgramReceipt, PersonPpks)
# Rows about the pair itself, not about the person: they stay as they are.
NOT_MOVED = (DuplicatePair, DuplicateDismissal)


# --- Finding pairs -------------------------------------------------------------------------------
# People in ``changed`` against everyone: a close name with the same birth date in the same
# regency/city (the first five characters of a village code, e.g. "35.76"), or a very close name in
# the same household. A pair of two changed people is produced once (lower pk on the left).
_SCAN_SQL = """
WITH changed AS (
    SELECT id, birth_date, household_id, left(region_id, 5) AS city, upper(full_name) AS name
    FROM {person}
    WHERE merged_into_id IS NULL AND (%(full)s OR id > %(last_id)s OR updated_at >= %(since)s)
), matches AS (
    SELECT a.id AS a_id, b.id AS b_id, similarity(a.name, upper(b.full_name)) AS similarity,
           true AS same_birth_date, coalesce(a.household_id = b.household_id, false) AS same_household
    FROM changed a JOIN {person} b ON b.birth_date = a.birth_date AND left(b.region_id, 5) = a.city
    WHERE b.merged_into_id IS NULL AND b.id <> a.id
      AND (a.id < b.id OR NOT (%(full)s OR b.id > %(last_id)s OR b.updated_at >= %(since)s))
      AND similarity(a.name, upper(b.full_name)) >= %(name_similarity)s
    UNION ALL
    SELECT a.id, b.id, similarity(a.name, upper(b.full_name)),
           coalesce(a.birth_date = b.birth_date, false), true
    FROM changed a JOIN {person} b ON b.household_id = a.household_id
    WHERE b.merged_into_id IS NULL AND b.id <> a.id
      AND (a.id < b.id OR NOT (%(full)s OR b.id > %(last_id)s OR b.updated_at >= %(since)s))
      AND similarity(a.name, upper(b.full_name)) >= %(household_similarity)s
)
INSERT INTO {pair} (person_a_id, person_b_id, similarity, same_birth_date, same_household)
SELECT least(a_id, b_id), greatest(a_id, b_id), max(similarity), bool_or(same_birth_date), bool_or(same_household)
FROM matches GROUP BY 1, 2
ON CONFLICT (person_a_id, person_b_id) DO UPDATE
SET similarity = excluded.similarity, same_birth_date = excluded.same_birth_date, same_household = excluded.same_household
"""

_FORGET_CHANGED_SQL = """
DELETE FROM {pair} WHERE person_a_id IN (SELECT id FROM {person} WHERE id > %(last_id)s OR updated_at >= %(since)s)
                      OR person_b_id IN (SELECT id FROM {person} WHERE id > %(last_id)s OR updated_at >= %(since)s)
"""


def refresh_duplicate_pairs(*, full: bool = False) -> int:
    """Find likely duplicates among the people added or changed since the last scan (all people
    the first time, or with ``full``); returns how many pairs were found or confirmed."""
    tables = {"person": Person._meta.db_table, "pair": DuplicatePair._meta.db_table}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCAN_LOCK_KEY])
        started = timezone.now()
        last = DuplicateScan.objects.filter(pk=1).first()
        full = full or last is None
        params = {
            "full": full,
            "last_id": last.last_person_id if last else 0,
            "since": last.started_at - SCAN_OVERLAP if last else started,
            "name_similarity": services.DUPLICATE_NAME_SIMILARITY,
            "household_similarity": HOUSEHOLD_NAME_SIMILARITY,
        }
        last_person_id = Person.objects.aggregate(m=Max("pk"))["m"] or 0
        if full:
            DuplicatePair.objects.all().delete()
        else:  # their old pairs may no longer hold
            cursor.execute(_FORGET_CHANGED_SQL.format(**tables), params)
        cursor.execute(_SCAN_SQL.format(**tables), params)
        found = cursor.rowcount
        DuplicateScan.objects.update_or_create(
            pk=1,
            defaults={
                "last_person_id": last_person_id,
                "started_at": started,
                "finished_at": timezone.now(),
                "full": full,
            },
        )
    return found


def last_scan() -> DuplicateScan | None:
    return DuplicateScan.objects.filter(pk=1).first()


def candidate_pairs(user):
    """The likely duplicates a manager reviews: both people in the user's scope and not merged,
    pairs marked "not the same person" left out; closest names first."""
    people = people_visible_to(user, MERGE)
    dismissed = DuplicateDismissal.objects.filter(person_a=OuterRef("person_a"), person_b=OuterRef("person_b"))
    return (
        DuplicatePair.objects.filter(person_a__in=people, person_b__in=people)
        .exclude(Exists(dismissed))
        .select_related("person_a__region", "person_b__region")
        .order_by("-similarity", "person_a_id", "person_b_id")
    )


def _ordered(first: Person, second: Person) -> tuple[Person, Person]:
    return (first, second) if first.pk < second.pk else (second, first)


@transaction.atomic
def dismiss_pair(first: Person, second: Person, *, acting_user, note: str = "") -> DuplicateDismissal:
    """Record that two people are different, so the pair is not proposed again."""
    for person in (first, second):
        scoping.ensure_allowed(acting_user, person, MERGE)
    if first.pk == second.pk:
        raise ValidationError(_("Choose two different records."))
    person_a, person_b = _ordered(first, second)
    dismissal, _created = DuplicateDismissal.objects.get_or_create(
        person_a=person_a, person_b=person_b, defaults={"dismissed_by": acting_user, "note": note.strip()}
    )
    return dismissal


# --- Merging -------------------------------------------------------------------------------------
def _value(person: Person, field: str):
    return getattr(person, Person._meta.get_field(field).attname)


def _blank(value) -> bool:
    return value is None or value == ""


def differing_fields(first: Person, second: Person) -> list[str]:
    return [f for f in MERGE_FIELDS if _value(first, f) != _value(second, f)]


def default_choices(survivor: Person, duplicate: Person) -> dict[str, str]:
    """For each differing field: the survivor's value, or the duplicate's where the survivor has none."""
    return {
        f: DUPLICATE if _blank(_value(survivor, f)) and not _blank(_value(duplicate, f)) else SURVIVOR
        for f in differing_fields(survivor, duplicate)
    }


def nik_warnings_after_merge(survivor: Person, duplicate: Person, field_choices: dict[str, str]) -> dict[str, str]:
    """The disagreements between the NIK and the data the survivor would have after the merge."""
    data = _chosen_values(survivor, duplicate, field_choices)
    return services.person_nik_warnings(
        {f: data.get(f, getattr(survivor, f)) for f in ("nik", "sex", "birth_date", "region")}
    )


def name_similarity(first: Person, second: Person) -> float:
    """Trigram similarity of the two names, as the scan measures it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity(upper(%s), upper(%s))", [first.full_name, second.full_name])
        return cursor.fetchone()[0]


def suggested_survivor(first: Person, second: Person) -> Person:
    """The record that most likely should stay: verified, with a NIK, in a household, the older."""

    def rank(p):
        return (p.status != VerificationStatus.VERIFIED, not p.nik, p.household_id is None, p.pk)

    return min(first, second, key=rank)


@transaction.atomic
def merge_people(
    survivor: Person,
    duplicate: Person,
    *,
    field_choices: dict[str, str] | None = None,
    acting_user,
    confirm_nik: bool = False,
    expected_versions: dict[int, int] | None = None,
) -> Person:
    """Merge ``duplicate`` into ``survivor``, who keeps, per differing field, the value chosen in
    ``field_choices`` ({field: "survivor" or "duplicate"}; default: ``default_choices``) and takes
    over the duplicate's household membership (if it has none), profiles, programs, PPKS records
    and every record of any app that points at the duplicate. A row the survivor cannot take
    (it already has that profile, program year or PPKS category) stays with the duplicate, and its
    values are written into the merge's audit entry. The duplicate stays in the database with
    ``merged_into`` set, so its history and its links are kept.

    ``expected_versions`` (pk → version): the versions the manager compared; if either record was
    saved since, the merge is refused (:class:`onegate.versioning.EditConflict`)."""
    for person in (survivor, duplicate):
        scoping.ensure_allowed(acting_user, person, MERGE)
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A record cannot be merged into itself."))
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk])}
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    for person in (survivor, duplicate):
        if person.merged_into_id:
            raise ValidationError(
                _("%(name)s (#%(pk)s) has already been merged into another record.")
                % {"name": person.full_name, "pk": person.pk}
            )
    expected_versions = expected_versions or {}
    for person in (survivor, duplicate):
        if expected_versions.get(person.pk, person.version) != person.version:
            raise versioning.EditConflict(person, expected_versions[person.pk])

    data = _chosen_values(survivor, duplicate, field_choices or {})
    takes_membership = survivor.household_id is None and duplicate.household_id is not None
    if takes_membership:
        data.update(household=duplicate.household, relationship=duplicate.relationship)

    # The duplicate first: it gives up the NIK the survivor takes (NIKs are unique) and the
    # household membership that moves.
    if "nik" in data and duplicate.nik:
        duplicate.nik, duplicate.needs_civil_documents = None, True
    if takes_membership:
        duplicate.household, duplicate.relationship = None, ""
    duplicate.merged_into = survivor
    versioning.save(duplicate)

    moved, kept = _move_links(survivor, duplicate)
    if data:
        services.person_update(survivor, data=data, acting_user=acting_user, confirm_nik=confirm_nik)
    elif any(item["record"] for item in moved) and survivor.status == VerificationStatus.VERIFIED:
        services._back_to_verification(survivor)
        versioning.save(survivor, update_fields=["status", "verified_by", "verified_at", "updated_at"])
    _log_merge(survivor, duplicate, data=data, moved=moved, kept=kept, acting_user=acting_user)
    scoping.ensure_allowed(acting_user, survivor, MERGE)  # a chosen kelurahan may lie outside the scope
    return survivor


def _chosen_values(survivor: Person, duplicate: Person, field_choices: dict[str, str]) -> dict:
    unknown = set(field_choices) - set(MERGE_FIELDS)
    if unknown:
        raise ValueError(f"not merge fields: {sorted(unknown)}")
    if set(field_choices.values()) - {SURVIVOR, DUPLICATE}:
        raise ValueError(f"choose {SURVIVOR!r} or {DUPLICATE!r}")
    choices = {**default_choices(survivor, duplicate), **field_choices}
    data = {
        f: getattr(duplicate, f)
        for f, source in choices.items()
        if source == DUPLICATE and _value(survivor, f) != _value(duplicate, f)
    }
    if "nik" in data:  # the civil-registry flag belongs with the NIK it describes
        data["needs_civil_documents"] = duplicate.needs_civil_documents
    return data


def _links_to_person():
    """(model, field) for every foreign key to Person, whichever app declares it, many-to-many
    tables included: merging covers apps added later without a change here."""
    links = []
    for rel in Person._meta.related_objects:
        link = (
            (rel.through, rel.field.m2m_reverse_field_name())
            if rel.many_to_many
            else (rel.related_model, rel.field.name)
        )
        if link[0] not in NOT_MOVED and link not in links:
            links.append(link)
    return links


def _move_links(survivor: Person, duplicate: Person) -> tuple[list[dict], list[dict]]:
    moved, kept = [], []
    for model, field in _links_to_person():
        attname = model._meta.get_field(field).attname  # ids, not objects: no stale related caches
        for row in model._base_manager.filter(**{field: duplicate}).order_by("pk"):
            target = survivor.pk
            if model is DisabilityProfile and field == "caregiver" and row.person_id == survivor.pk:
                target = None  # the survivor named their own duplicate as caregiver
            try:
                with transaction.atomic():
                    setattr(row, attname, target)
                    if isinstance(row, versioning.VersionedModel):
                        versioning.save(row, update_fields=[field])
                    else:
                        row.save(update_fields=[field])
            except IntegrityError:  # the survivor already has one (one profile, one program per year...)
                setattr(row, attname, duplicate.pk)
                kept.append(_describe(row, field, with_values=True))
            else:
                moved.append(_describe(row, field))
    return moved, kept


def _describe(row, field: str, *, with_values: bool = False) -> dict:
    item = {
        "model": row._meta.label,
        "kind": str(row._meta.verbose_name),
        "pk": row.pk,
        "field": field,
        "text": str(row),
        "record": isinstance(row, PERSON_RECORDS) and field == "person",
    }
    if with_values:
        item["values"] = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
    return item


def _log_merge(survivor: Person, duplicate: Person, *, data: dict, moved: list, kept: list, acting_user) -> None:
    """One entry on each record, beside the field changes auditlog writes by itself."""
    details = {
        "survivor": survivor.pk,
        "duplicate": duplicate.pk,
        "values_from_duplicate": {f: getattr(v, "pk", v) for f, v in data.items()},
        "moved": moved,
        "kept_on_duplicate": kept,
    }
    details = json.loads(json.dumps(details, cls=DjangoJSONEncoder))  # dates and decimals as text
    changes = {"merge": [f"{duplicate.full_name} (#{duplicate.pk})", f"{survivor.full_name} (#{survivor.pk})"]}
    if moved:
        changes["moved"] = ["", "; ".join(f"{m['kind']}: {m['text']}" for m in moved)]
    if kept:
        changes["kept on the merged record"] = ["", "; ".join(f"{k['kind']}: {k['text']}" for k in kept)]
    for person in (survivor, duplicate):
        audit.log_event(person, changes, actor=acting_user, additional_data={"merge": details})
