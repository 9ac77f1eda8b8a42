"""Self-reports: a person with a disability, a family member or a companion reports online without
an account; the kelurahan's officer checks the report and turns it into a registry record (a new
draft person, or a link to a registered one) or rejects it.

The public side never reads the registry: what the reporter sees must not depend on whether the
NIK is already registered (UU 27/2022; no public page may reveal it).
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onegate import scoping
from onegate.regions.models import VILLAGE_LEVELS, Region

from . import services
from .models import (
    DisabilityProfile,
    Person,
    ReporterRelation,
    SelfReport,
    SelfReportStatus,
)

# No 0/O or 1/I: the code is read out over the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
DUPLICATES_SHOWN = 5


def office_villages():
    """The kelurahan/desa of the region this portal's office serves."""
    return Region.objects.filter(level__in=VILLAGE_LEVELS, code__startswith=settings.OFFICE_REGION_CODE + ".")


def new_reference() -> str:
    """A random code such as LD-7K3Q-9XHA: says nothing about the person or how many reports exist."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _position in range(8))
    return f"LD-{code[:4]}-{code[4:]}"


# --- Public submission ---------------------------------------------------------------------------
@transaction.atomic
def self_report_submit(*, data: dict, consent: bool) -> SelfReport:
    """Store a report from the public form. Reads nothing from the registry."""
    if not consent:
        raise ValidationError({"consent": _("The report can only be processed with your consent.")})
    report = SelfReport(**data, consent_given_at=timezone.now())
    if report.reporter_relation == ReporterRelation.SELF and not report.reporter_name:
        report.reporter_name = report.full_name
    report.nik = report.nik or ""
    if not office_villages().filter(pk=report.region_id).exists():
        raise ValidationError({"region": _("Choose a kelurahan or desa from the list.")})
    report.full_clean(exclude=["reference", "person", "processed_by"])
    report.reference = new_reference()
    while SelfReport.objects.filter(reference=report.reference).exists():  # about one in 10^12
        report.reference = new_reference()
    report.save()
    return report


# --- What the officer starts from ----------------------------------------------------------------
def address_line(report: SelfReport) -> str:
    parts = [report.address]
    if report.rt or report.rw:
        parts.append(f"RT {report.rt or '-'}/RW {report.rw or '-'}")
    return ", ".join(parts)


def person_initial(report: SelfReport) -> dict:
    """The person form's starting values. The address goes to the domicile address: the person has
    no household yet."""
    return {
        "nik": report.nik or None,
        "full_name": report.full_name,
        "sex": report.sex,
        "birth_place": report.birth_place,
        "birth_date": report.birth_date,
        "phone": report.reporter_phone if report.reporter_relation == ReporterRelation.SELF else "",
        "domicile_address": address_line(report),
    }


def profile_initial(report: SelfReport, existing: DisabilityProfile | None = None) -> dict:
    """The disability form's starting values: the registered profile with what the report adds."""
    if existing is None:
        return {"types": list(report.types), "severity": report.severity, "devices_needed": list(report.devices_needed)}
    return {
        "types": _union(existing.types, report.types),
        "devices_needed": _union(existing.devices_needed, report.devices_needed),
    }


def _union(first, second) -> list:
    return list(dict.fromkeys([*first, *second]))


def likely_duplicates(report: SelfReport, user) -> list[services.DuplicateCandidate]:
    """Registered people who may be this person, among those the user may see only: the review page
    must not tell an officer about people outside their kelurahan."""
    candidates = services.find_likely_duplicates(
        full_name=report.full_name, birth_date=report.birth_date, region=report.region, nik=report.nik or None, limit=20
    )
    people = Person.objects.filter(merged_into__isnull=True, pk__in=[c.person.pk for c in candidates])
    visible = set(scoping.restrict(people, user).values_list("pk", flat=True))
    return [c for c in candidates if c.person.pk in visible][:DUPLICATES_SHOWN]


# --- Officer actions -----------------------------------------------------------------------------
def _lock_new(report: SelfReport, acting_user) -> SelfReport:
    """The report, locked against a second officer acting at the same moment, if it is still new."""
    report = SelfReport.objects.select_for_update().get(pk=report.pk)
    scoping.ensure_allowed(acting_user, report, scoping.CHANGE)
    if report.status != SelfReportStatus.NEW:
        raise ValidationError(_("This self-report has already been handled."))
    return report


def _close(report: SelfReport, *, status: str, acting_user, person=None, reason: str = "") -> None:
    report.status, report.person, report.rejection_reason = status, person, reason
    report.processed_by, report.processed_at = acting_user, timezone.now()
    report.save(update_fields=["status", "person", "rejection_reason", "processed_by", "processed_at"])


@transaction.atomic
def self_report_create_person(
    report: SelfReport, *, person_data: dict, profile_data: dict, acting_user, confirm_nik: bool = False
) -> Person:
    """A new draft person with a disability profile, from the report, in the report's kelurahan."""
    report = _lock_new(report, acting_user)
    person = services.person_create(
        data={**person_data, "region": report.region}, acting_user=acting_user, confirm_nik=confirm_nik
    )
    services.person_profile_save(person, DisabilityProfile, data=profile_data, acting_user=acting_user)
    _close(report, status=SelfReportStatus.PROCESSED, acting_user=acting_user, person=person)
    return person


@transaction.atomic
def self_report_link_person(
    report: SelfReport, person: Person, *, profile_data: dict, acting_user, expected_version: int | None = None
) -> DisabilityProfile:
    """The report is about a registered person: add or update their disability profile (a verified
    person goes back for verification, as with any profile change)."""
    report = _lock_new(report, acting_user)
    profile = services.person_profile_save(
        person, DisabilityProfile, data=profile_data, acting_user=acting_user, expected_version=expected_version
    )
    _close(report, status=SelfReportStatus.PROCESSED, acting_user=acting_user, person=person)
    return profile


@transaction.atomic
def self_report_reject(report: SelfReport, *, reason: str, acting_user) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    report = _lock_new(report, acting_user)
    _close(report, status=SelfReportStatus.REJECTED, acting_user=acting_user, reason=reason.strip())
