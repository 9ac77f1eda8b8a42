"""Registry business rules: creating and changing households and people, the verification
workflow, NIK checks and duplicate detection. Views, imports, tasks and tests all call these."""

import datetime
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from onegate import scoping, versioning
from onegate.regions.models import VILLAGE_LEVELS, Region

from .models import (
    DisabilityProfile,
    Household,
    Person,
    PersonPpks,
    PpksStatus,
    ProgramReceipt,
    Relationship,
    VerificationStatus,
    WelfareProfile,
)
from .nik import nik_disagreements
from .selectors import people_visible_to

DUPLICATE_NAME_SIMILARITY = 0.6


# --- Checks ------------------------------------------------------------------------------------
def person_nik_warnings(data: dict) -> dict[str, str]:
    """Disagreements between the NIK and the person's sex, birth date and kecamatan."""
    if not data.get("nik"):
        return {}
    region = data.get("region")
    return nik_disagreements(
        data["nik"],
        sex=data.get("sex"),
        birth_date=data.get("birth_date"),
        region_code=region.code if isinstance(region, Region) else region,
    )


@dataclass(frozen=True)
class DuplicateCandidate:
    person: Person
    reason: str


def find_likely_duplicates(
    *,
    full_name: str,
    birth_date: datetime.date | None,
    region: Region,
    nik: str | None = None,
    exclude_pk=None,
    limit: int = 5,
) -> list[DuplicateCandidate]:
    """People who are probably the same as the one being entered: the same NIK, or a close name
    (trigram similarity) with the same birth date within the same regency/city."""
    found: dict[int, DuplicateCandidate] = {}
    people = Person.objects.filter(merged_into__isnull=True).exclude(pk=exclude_pk).select_related("region")
    if nik:
        for p in people.filter(nik=nik):
            found[p.pk] = DuplicateCandidate(p, _("same NIK"))
    if birth_date and full_name:
        city_code = ".".join(region.code.split(".")[:2])
        similar = (
            people.filter(birth_date=birth_date, region__code__startswith=city_code + ".")
            .annotate(similarity=TrigramSimilarity(Upper("full_name"), full_name.upper()))
            .filter(similarity__gte=DUPLICATE_NAME_SIMILARITY)
            .order_by("-similarity")[:limit]
        )
        for p in similar:
            found.setdefault(p.pk, DuplicateCandidate(p, _("similar name, same date of birth")))
    return list(found.values())[:limit]


def _check_village(region: Region) -> None:
    if region.level not in VILLAGE_LEVELS:
        raise ValidationError({"region": _("Choose a kelurahan or desa.")})


def _person_rules(person: Person, *, confirm_nik: bool) -> None:
    """Rules every saved person obeys, whoever saves it (form, import, self-report)."""
    _check_village(person.region)
    if not person.nik:
        person.needs_civil_documents = True
    warnings = person_nik_warnings(
        {"nik": person.nik, "sex": person.sex, "birth_date": person.birth_date, "region": person.region}
    )
    if warnings and not (confirm_nik or person.nik_mismatch_confirmed):
        raise ValidationError(warnings, code="nik_disagreement")
    person.nik_mismatch_confirmed = bool(warnings)
    person.full_clean(exclude=["created_by", "verified_by", "merged_into"])


# --- Writes ------------------------------------------------------------------------------------
@transaction.atomic
def household_create(*, data: dict, members: list[dict], acting_user) -> Household:
    """A household with its members, as a draft. Members live at the household's kelurahan; a
    member's ``confirm_nik`` says the officer checked that member's disagreeing NIK."""
    scoping.ensure_can(acting_user, Household, scoping.ADD)
    household = Household(**data, created_by=acting_user)
    _check_village(household.region)
    household.full_clean(exclude=["created_by", "verified_by"])
    household.save()
    for member in members:
        person_data = {k: v for k, v in member.items() if k != "confirm_nik"}
        person_create(
            data={**person_data, "household": household, "region": household.region},
            acting_user=acting_user,
            confirm_nik=member.get("confirm_nik", False),
        )
    scoping.ensure_allowed(acting_user, household, scoping.CHANGE)
    return household


@transaction.atomic
def household_update(
    household: Household,
    *,
    data: dict,
    acting_user,
    relationships: dict[int, str] | None = None,
    remove: list[int] | tuple = (),
    new_members: list[dict] | tuple = (),
    expected_version: int | None = None,
    member_versions: dict[int, int] | None = None,
) -> Household:
    """Change a household: its own fields (``data``), its members' family relationships
    (``relationships``: person pk → relationship), members taken out of it (``remove``: person pks;
    they stay in the registry, without a household) and new members (``new_members``, as for
    :func:`household_create`). Afterwards it has at least one member and exactly one head of family.

    A change to a verified household sends it back for verification; a member whose membership
    changes goes back too, and new members wait for verification with the household. Nothing is
    sent back when nothing changed. The audit keeps every earlier version.

    ``expected_version`` is the household's version the change was made from, ``member_versions``
    (person pk → version) its members' (default: the versions of the instances): a save from an
    older version is refused (:class:`onegate.versioning.EditConflict`)."""
    scoping.ensure_allowed(acting_user, household, scoping.CHANGE)
    relationships, remove = dict(relationships or {}), set(remove)
    before = Household.objects.get(pk=household.pk)
    for field, value in data.items():
        setattr(household, field, value)
    _check_village(household.region)
    members = {p.pk: p for p in household.members.filter(merged_into__isnull=True)}
    if unknown := (set(relationships) | remove) - set(members):
        raise ValueError(f"not members of household {household.pk}: {sorted(unknown)}")
    changed_members = []
    for pk, person in members.items():
        if pk in remove:
            person.household, person.relationship = None, ""
        elif pk in relationships and relationships[pk] != person.relationship:
            person.relationship = relationships[pk]
        else:
            continue
        changed_members.append(person)
    household_changed = any(getattr(before, f) != getattr(household, f) for f in data)
    if household_changed or changed_members or new_members:
        _back_to_verification(household)
    household.full_clean(exclude=["created_by", "verified_by"])
    versioning.save(household, expected_version=expected_version)
    member_versions = member_versions or {}
    for person in members.values():  # the members as the form showed them, changed or not
        if person.pk in member_versions and member_versions[person.pk] != person.version:
            raise versioning.EditConflict(person, member_versions[person.pk])
    for person in changed_members:
        _back_to_verification(person)
        versioning.save(
            person,
            expected_version=member_versions.get(person.pk),
            update_fields=["household", "relationship", "status", "verified_by", "verified_at", "updated_at"],
        )
    # New members wait for verification together with the household.
    new_status = (
        VerificationStatus.SUBMITTED if household.status == VerificationStatus.SUBMITTED else VerificationStatus.DRAFT
    )
    for member in new_members:
        person_data = {k: v for k, v in member.items() if k != "confirm_nik"}
        person_create(
            data={**person_data, "household": household, "region": household.region, "status": new_status},
            acting_user=acting_user,
            confirm_nik=member.get("confirm_nik", False),
        )
    # Members follow the household when it moves to another kelurahan.
    for person in household.members.exclude(region=household.region).filter(domicile_address=""):
        person.region = household.region
        versioning.save(person)
    _check_household_members(household)
    scoping.ensure_allowed(acting_user, household, scoping.CHANGE)
    return household


def _check_household_members(household: Household) -> None:
    relationships = list(household.members.filter(merged_into__isnull=True).values_list("relationship", flat=True))
    if not relationships:
        raise ValidationError(_("A household keeps at least one member."))
    if relationships.count(Relationship.HEAD) != 1:
        raise ValidationError(_("A household has exactly one head of family."))


@transaction.atomic
def person_create(*, data: dict, acting_user, confirm_nik: bool = False) -> Person:
    scoping.ensure_can(acting_user, Person, scoping.ADD)
    person = Person(**data, created_by=acting_user)
    _person_rules(person, confirm_nik=confirm_nik)
    person.save()
    scoping.ensure_allowed(acting_user, person, scoping.CHANGE)
    return person


@transaction.atomic
def person_quick_register(*, data: dict, acting_user, confirm_nik: bool = False) -> Person:
    """A minimal draft person recorded at the front desk (name, sex, kelurahan, and what is known).
    It waits in the kelurahan's verification queue, where the officer completes and submits it."""
    scoping.ensure_can(acting_user, Person, "quick_add")
    person = Person(**data, created_by=acting_user, status=VerificationStatus.DRAFT)
    _person_rules(person, confirm_nik=confirm_nik)
    person.save()
    scoping.ensure_allowed(acting_user, person, scoping.VIEW)
    return person


@transaction.atomic
def person_update(
    person: Person, *, data: dict, acting_user, confirm_nik: bool = False, expected_version: int | None = None
) -> Person:
    """Change a person. A verified record goes back for verification; the audit keeps the old one.
    ``expected_version``: the version the change was made from (default: the instance's); a save
    from an older one is refused (:class:`onegate.versioning.EditConflict`)."""
    nik_changed = "nik" in data and data["nik"] != person.nik
    for field, value in data.items():
        setattr(person, field, value)
    if nik_changed:
        person.nik_mismatch_confirmed = False
    _back_to_verification(person)
    _person_rules(person, confirm_nik=confirm_nik)
    versioning.save(person, expected_version=expected_version)
    scoping.ensure_allowed(acting_user, person, scoping.CHANGE)
    return person


@transaction.atomic
def person_profile_save(person: Person, profile_model, *, data: dict, acting_user, expected_version: int | None = None):
    """Create or change a person's disability or welfare profile; a verified person goes back
    for verification, since the profile is part of the record the manager approved.
    ``expected_version``: the profile's version the change was made from, 0 when the person had
    none (default: no check); a profile saved or added since is not overwritten (EditConflict)."""
    if profile_model not in (DisabilityProfile, WelfareProfile):
        raise ValueError(f"not a person profile: {profile_model}")
    scoping.ensure_allowed(acting_user, person, scoping.CHANGE)
    profile = profile_model.objects.filter(person=person).first() or profile_model(person=person)
    if profile_model is DisabilityProfile:
        _check_caregiver(person, profile, data.get("caregiver"), acting_user)
    for field, value in data.items():
        setattr(profile, field, value)
    profile.full_clean()
    if expected_version == 0 and profile.pk is not None:  # someone else added it meanwhile
        raise versioning.EditConflict(profile, 0)
    versioning.save(profile, expected_version=expected_version or None)
    _person_record_changed(person)
    return profile


def _check_caregiver(person: Person, profile: DisabilityProfile, caregiver: Person | None, acting_user) -> None:
    """A registered caregiver is someone else, whom the officer may see (an unchanged one is kept)."""
    if caregiver is None or caregiver.pk == profile.caregiver_id:
        return
    if caregiver.pk == person.pk:
        raise ValidationError({"caregiver": _("A person cannot be their own caregiver.")})
    if not people_visible_to(acting_user).filter(pk=caregiver.pk).exists():
        raise ValidationError({"caregiver": _("Choose a caregiver registered in your area.")})


@transaction.atomic
def ppks_record_save(
    person: Person, *, data: dict, acting_user, record: PersonPpks | None = None, expected_version: int | None = None
) -> PersonPpks:
    """Add a PPKS category to a person, or change one of their PPKS records (date, source, status)
    from ``expected_version`` (default: the record's)."""
    scoping.ensure_allowed(acting_user, person, scoping.CHANGE)
    if record is not None and record.person_id != person.pk:
        raise ValueError("the PPKS record belongs to another person")
    record = record or PersonPpks(person=person)
    for field, value in data.items():
        setattr(record, field, value)
    _full_clean_with_friendly_unique(
        record, {"category": _("This person already has this PPKS category; edit that record.")}
    )
    versioning.save(record, expected_version=expected_version)
    _person_record_changed(person)
    return record


def ppks_record_mark_handled(record: PersonPpks, *, acting_user) -> PersonPpks:
    """Close a PPKS record: the person's problem in that category has been handled."""
    return ppks_record_save(record.person, data={"status": PpksStatus.HANDLED}, acting_user=acting_user, record=record)


@transaction.atomic
def program_receipt_add(person: Person, *, data: dict, acting_user) -> ProgramReceipt:
    scoping.ensure_allowed(acting_user, person, scoping.CHANGE)
    receipt = ProgramReceipt(person=person, **data)
    _full_clean_with_friendly_unique(receipt, {"program": _("This program is already recorded for that year.")})
    versioning.save(receipt)
    _person_record_changed(person)
    return receipt


@transaction.atomic
def program_receipt_remove(receipt: ProgramReceipt, *, acting_user) -> None:
    """Remove a wrongly entered receipt; the audit trail keeps what it was."""
    person = receipt.person
    scoping.ensure_allowed(acting_user, person, scoping.CHANGE)
    receipt.delete()
    _person_record_changed(person)


def _full_clean_with_friendly_unique(obj, messages: dict[str, str]) -> None:
    """full_clean, with the one-per-person constraints reported on the field the officer chose."""
    try:
        obj.full_clean(exclude=["person"], validate_constraints=False)
        obj.validate_constraints()
    except ValidationError as exc:
        if getattr(exc, "error_dict", None) and "__all__" in exc.error_dict:
            raise ValidationError(messages) from exc
        raise


def _person_record_changed(person: Person) -> None:
    """Profiles, programs and PPKS records are part of what the manager verified: a change to a
    verified person sends it back for verification."""
    if person.status == VerificationStatus.VERIFIED:
        _back_to_verification(person)
        versioning.save(person, update_fields=["status", "verified_by", "verified_at", "updated_at"])


def _back_to_verification(record) -> None:
    if record.status == VerificationStatus.VERIFIED:
        record.status = VerificationStatus.SUBMITTED
        record.verified_by = None
        record.verified_at = None


# --- Verification workflow ---------------------------------------------------------------------
@transaction.atomic
def record_submit(record: Household | Person, *, acting_user) -> None:
    scoping.ensure_allowed(acting_user, record, scoping.CHANGE)
    if record.status not in (VerificationStatus.DRAFT, VerificationStatus.REJECTED):
        raise ValidationError(_("Only a draft or a rejected record can be submitted."))
    records = [record, *record.members.all()] if isinstance(record, Household) else [record]
    for r in records:
        if r.status in (VerificationStatus.DRAFT, VerificationStatus.REJECTED):
            r.status = VerificationStatus.SUBMITTED
            r.rejection_reason = ""
            versioning.save(r, update_fields=["status", "rejection_reason", "updated_at"])


@transaction.atomic
def record_verify(record: Household | Person, *, acting_user) -> None:
    scoping.ensure_allowed(acting_user, record, "verify")
    if record.status != VerificationStatus.SUBMITTED:
        raise ValidationError(_("Only a record awaiting verification can be verified."))
    records = (
        [record, *record.members.filter(status=VerificationStatus.SUBMITTED)]
        if isinstance(record, Household)
        else [record]
    )
    now = timezone.now()
    for r in records:
        r.status, r.verified_by, r.verified_at, r.rejection_reason = VerificationStatus.VERIFIED, acting_user, now, ""
        versioning.save(r, update_fields=["status", "verified_by", "verified_at", "rejection_reason", "updated_at"])


@transaction.atomic
def record_reject(record: Household | Person, *, acting_user, reason: str) -> None:
    scoping.ensure_allowed(acting_user, record, "verify")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason, so the officer knows what to fix.")})
    if record.status != VerificationStatus.SUBMITTED:
        raise ValidationError(_("Only a record awaiting verification can be rejected."))
    record.status, record.rejection_reason = VerificationStatus.REJECTED, reason.strip()
    versioning.save(record, update_fields=["status", "rejection_reason", "updated_at"])


# --- Bulk decisions (the verification queue) ---------------------------------------------------------
def records_submit(records, *, acting_user) -> int:
    """Submit several drafts or rejected records (households with their members), all or none."""
    return _for_each(records, record_submit, acting_user=acting_user)


def records_verify(records, *, acting_user) -> int:
    """Verify several records awaiting verification (households with their submitted members), all or none."""
    return _for_each(records, record_verify, acting_user=acting_user)


def records_reject(records, *, acting_user, reason: str) -> int:
    """Send several records back to the kelurahan with one reason, all or none."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason, so the officer knows what to fix.")})
    return _for_each(records, record_reject, acting_user=acting_user, reason=reason)


@transaction.atomic
def _for_each(records, decide, **kwargs) -> int:
    """One decision on each record, in one transaction: each record is saved (and audited) as when it
    is decided alone; a record that cannot be decided undoes them all and is named in the error."""
    for record in records:
        try:
            decide(record, **kwargs)
        except ValidationError as exc:
            raise ValidationError(f"{record}: {' '.join(exc.messages)}") from exc
    return len(records)
