"""Writes of needs assessments: drafted, edited through the version check, submitted, then
verified or rejected (with the reason) by a manager other than the assessor. Submitting makes the
assessment its household's latest (what service matching reads); rejecting sends it back to the
assessor, and the household's previous submitted assessment is its latest again."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onegate import scoping, versioning
from registry.models import Household, Relationship, VerificationStatus, WelfareProfile

from .models import Assessment, AssessmentNeed, NeedLevel

EDITABLE = (VerificationStatus.DRAFT, VerificationStatus.REJECTED)


def registered_dtks_status(household: Household) -> str:
    """The household's DTKS/DTSEN status as the registry holds it: the head's welfare profile, or
    any member's when the head has none."""
    profiles = WelfareProfile.objects.filter(person__household=household).order_by("person__created_at")
    statuses = {p.person.relationship: p.dtks_status for p in profiles.select_related("person")}
    if Relationship.HEAD in statuses:
        return statuses[Relationship.HEAD]
    return next(iter(statuses.values()), "")


@transaction.atomic
def assessment_create(household: Household, *, data: dict, needs: list[dict], acting_user) -> Assessment:
    """A draft assessment of ``household``; ``needs`` are ``{"person", "domain", "level", "note"}``
    (person None for the whole household). Rows with no need and no note are not stored."""
    scoping.ensure_can(acting_user, Assessment, scoping.ADD)
    scoping.ensure_allowed(acting_user, household, scoping.VIEW)
    assessment = Assessment(
        **data,
        household=household,
        region_id=household.region_id,
        assessor=acting_user,
        created_by=acting_user,
        dtks_in_registry=registered_dtks_status(household),
    )
    assessment.full_clean(exclude=["assessor", "created_by", "verified_by"])
    assessment.save()
    _save_needs(assessment, needs)
    scoping.ensure_allowed(acting_user, assessment, scoping.CHANGE)
    return assessment


@transaction.atomic
def assessment_update(
    assessment: Assessment, *, data: dict, needs: list[dict], acting_user, expected_version: int | None = None
) -> Assessment:
    """Save an edited draft (or rejected) assessment; an edit from an older version is refused
    (:class:`onegate.versioning.EditConflict`). Changed needs count as a change of the assessment."""
    scoping.ensure_allowed(acting_user, assessment, scoping.CHANGE)
    if assessment.status not in EDITABLE:
        raise ValidationError(_("Only a draft or a rejected assessment can be edited."))
    for name, value in data.items():
        setattr(assessment, name, value)
    assessment.full_clean(exclude=["assessor", "created_by", "verified_by"])
    if _needs_differ(assessment, needs):
        _save_next_version(assessment, expected_version)
    else:
        versioning.save(assessment, expected_version=expected_version)
    _save_needs(assessment, needs, replace=True)
    return assessment


def _save_next_version(assessment: Assessment, expected_version: int | None) -> None:
    """The needs changed: a new version even when the assessment's own fields did not (which
    :func:`versioning.save` would take as "nothing changed"), still refused from an older one."""
    expected = assessment.version if expected_version is None else expected_version
    stored = Assessment._base_manager.select_for_update().filter(pk=assessment.pk).values_list("version", flat=True)
    if stored.first() != expected:
        raise versioning.EditConflict(assessment, expected)
    assessment.version = expected + 1
    assessment.save()


@transaction.atomic
def assessment_submit(assessment: Assessment, *, acting_user, expected_version: int | None = None) -> Assessment:
    """Submit a draft: it becomes the household's latest submitted assessment unless a newer
    visit was submitted already (the newest by visit date, then by creation, is the latest)."""
    scoping.ensure_allowed(acting_user, assessment, scoping.CHANGE)
    if assessment.status not in EDITABLE:
        raise ValidationError(_("Only a draft or a rejected assessment can be submitted."))
    assessment.status = VerificationStatus.SUBMITTED
    assessment.rejection_reason = ""
    assessment.verified_by, assessment.verified_at = None, None
    versioning.save(
        assessment,
        expected_version=expected_version,
        update_fields=["status", "rejection_reason", "verified_by", "verified_at", "updated_at"],
    )
    _mark_latest(assessment.household_id)
    assessment.refresh_from_db(fields=["is_latest"])
    return assessment


VERIFY = "verify"


def can_decide(user, assessment: Assessment) -> bool:
    """Whether ``user``'s role may verify or reject assessments and this one is not their own (the
    scope is the caller's: the assessment was fetched through it)."""
    return scoping.can(user, Assessment, VERIFY) and assessment.assessor_id != user.pk


def _ensure_can_decide(assessment: Assessment, acting_user) -> None:
    scoping.ensure_allowed(acting_user, assessment, VERIFY)
    if assessment.assessor_id == acting_user.pk:
        raise PermissionDenied(_("An assessment is verified by someone other than the officer who made it."))


@transaction.atomic
def assessment_verify(assessment: Assessment, *, acting_user, expected_version: int | None = None) -> Assessment:
    """A manager confirms a submitted assessment (not their own); refused from an older version."""
    _ensure_can_decide(assessment, acting_user)
    if assessment.status != VerificationStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted assessment can be verified."))
    assessment.status, assessment.verified_by, assessment.verified_at = (
        VerificationStatus.VERIFIED,
        acting_user,
        timezone.now(),
    )
    assessment.rejection_reason = ""
    versioning.save(
        assessment,
        expected_version=expected_version,
        update_fields=["status", "verified_by", "verified_at", "rejection_reason", "updated_at"],
    )
    return assessment


@transaction.atomic
def assessment_reject(
    assessment: Assessment, *, acting_user, reason: str, expected_version: int | None = None
) -> Assessment:
    """A manager sends a submitted assessment back to the assessor with the reason; it stops being
    the household's latest (matching reads the previous submitted one, if any)."""
    _ensure_can_decide(assessment, acting_user)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason, so the officer knows what to fix.")})
    if assessment.status != VerificationStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted assessment can be rejected."))
    # Who rejected it and when: the history's (as for registry records); "verified by" stays empty.
    assessment.status, assessment.rejection_reason = VerificationStatus.REJECTED, reason.strip()
    versioning.save(
        assessment, expected_version=expected_version, update_fields=["status", "rejection_reason", "updated_at"]
    )
    _mark_latest(assessment.household_id)
    assessment.refresh_from_db(fields=["is_latest"])
    return assessment


def _mark_latest(household_id: int) -> None:
    # Households are locked so two submits of one household take turns over the partial unique index.
    Household.objects.select_for_update().filter(pk=household_id).first()
    newest = (
        Assessment.objects.filter(household_id=household_id)
        .exclude(status__in=EDITABLE)
        .order_by("-visited_on", "-created_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    Assessment.objects.filter(household_id=household_id, is_latest=True).exclude(pk=newest).update(is_latest=False)
    Assessment.objects.filter(pk=newest).update(is_latest=True)


def _needs_differ(assessment: Assessment, needs: list[dict]) -> bool:
    stored = {(n.person_id, n.domain): (n.level, n.note) for n in assessment.needs.all() if n.level or n.note}
    return stored != {_need_key(n): (n["level"], n.get("note", "")) for n in _kept(needs)}


def _need_key(need: dict) -> tuple:
    person = need.get("person")
    return (getattr(person, "pk", person), need["domain"])


def _kept(needs: list[dict]) -> list[dict]:
    return [n for n in needs if n["level"] != NeedLevel.NONE or n.get("note")]


def _save_needs(assessment: Assessment, needs: list[dict], *, replace: bool = False) -> None:
    members = set(assessment.household.members.values_list("pk", flat=True))
    kept = _kept(needs)
    for need in kept:
        person_id = _need_key(need)[0]
        if person_id is not None and person_id not in members:
            raise ValidationError(_("A need is recorded for someone who is not a member of the household."))
    if replace:
        assessment.needs.all().delete()
    for need in kept:  # one by one, so each is audited
        AssessmentNeed.objects.create(
            assessment=assessment,
            person_id=_need_key(need)[0],
            domain=need["domain"],
            level=need["level"],
            note=need.get("note", ""),
        )
