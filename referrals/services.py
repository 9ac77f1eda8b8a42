"""Referral business rules: drafting from a complaint or a registry person, sending with a gapless
yearly letter number and a due date from the service's SLA, the agency's lifecycle (accept,
progress, complete, reject, redirect), notes and documents, and the closed loop back to the
complaint. Views, demo data, tasks and tests all call these."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import services as complaint_services
from complaints.models import OPEN_STATUSES as COMPLAINT_OPEN_STATUSES
from complaints.models import ComplaintEvent, EventKind
from complaints.models import Status as ComplaintStatus
from onegate import scoping, versioning
from onegate.accounts.models import Role
from onegate.counters import take_number
from onegate.workdays.services import add_working_days
from registry import consent

from . import decisions, followup
from .models import (
    FINISHED_STATUSES,
    Decision,
    DocumentKind,
    LetterCounter,
    Referral,
    ReferralDocument,
    ReferralEvent,
    ReferralEventKind,
    ReferralStatus,
    ServiceStatus,
)
from .tasks import unserved_counts_changed
from .timeline import record_event

# The agency's moves from each status. Finishing (completing, rejecting, redirecting) needs a note.
AGENCY_TRANSITIONS = {
    ReferralStatus.SENT: {ReferralStatus.ACCEPTED, ReferralStatus.REJECTED},
    ReferralStatus.ACCEPTED: {ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED, ReferralStatus.REJECTED},
    ReferralStatus.IN_PROGRESS: {ReferralStatus.COMPLETED, ReferralStatus.REJECTED},
}
REDIRECTABLE = (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)
ROMAN_MONTHS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
CONSENT_FIELDS = ("consent_by", "consent_giver", "consent_method", "consent_at")
DRAFT_FIELDS = ("service", "reason", "request", "documents_provided", "consent_given", *CONSENT_FIELDS)


# --- Letter numbers (gapless: taken in the transaction that sends the referral) ------------------
def next_letter_number(day: datetime.date) -> str:
    """``460/0123/417.302/XI/2026``: classification, number in the year, unit, month, year."""
    number = take_number(LetterCounter, day.year)
    return f"{settings.LETTER_CLASSIFICATION_CODE}/{number:04d}/{settings.OFFICE_UNIT_CODE}/{ROMAN_MONTHS[day.month - 1]}/{day.year}"


# --- Drafting ----------------------------------------------------------------------------------
def _check_consent(data: dict, person=None) -> dict:
    """Consent is recorded with who gave it, how and when; without it only the minimum is shared.
    A person who withdrew their consent (registry.consent) cannot be referred with it."""
    if data.get("consent_given") and person is not None and (withdrawal := consent.current_decision(person)):
        if withdrawal.is_withdrawal:
            raise ValidationError(
                {
                    "consent_given": _(
                        "%(name)s withdrew their consent to share their data on %(when)s: the referral can only "
                        "share the minimum. Record the consent given again on their page first."
                    )
                    % {"name": person.full_name, "when": timezone.localtime(withdrawal.decided_at).strftime("%d/%m/%Y")}
                }
            )
    if not data.get("consent_given"):
        return {
            **data,
            "consent_given": False,
            "consent_by": "",
            "consent_giver": "",
            "consent_method": "",
            "consent_at": None,
        }
    errors = {f: _("Needed when consent was given.") for f in CONSENT_FIELDS if not data.get(f)}
    if data.get("consent_at") and data["consent_at"] > timezone.now() + datetime.timedelta(minutes=5):
        errors["consent_at"] = _("Consent cannot be given in the future.")
    if errors:
        raise ValidationError(errors)
    return data


def _check_documents(service, provided) -> list[str]:
    known = [d.document for d in service.required_documents.all()]
    unknown = [d for d in provided if d not in known]
    if unknown:
        raise ValidationError(
            {"documents_provided": _("Not a document of this service: %(names)s") % {"names": ", ".join(unknown)}}
        )
    return [d for d in known if d in provided]  # in the service's order


@transaction.atomic
def referral_create(
    *, data: dict, acting_user, complaint=None, person=None, uploads=(), complaint_attachments=()
) -> Referral:
    """Draft a referral for a complaint's person, or for a registry person. ``uploads`` were checked
    by :func:`onegate.uploads.check_upload`; ``complaint_attachments`` are the complaint's
    own files to send along."""
    scoping.ensure_can(acting_user, Referral, scoping.ADD)
    if complaint is None and person is None:
        raise ValidationError(_("A referral starts from a complaint or from a person in the registry."))
    if complaint is not None:
        scoping.ensure_allowed(acting_user, complaint, scoping.VIEW)
        if complaint.status not in COMPLAINT_OPEN_STATUSES:
            raise ValidationError(_("This complaint is finished; reopen it before referring the person."))
        person = complaint.subject
        person_name, region = complaint.subject_display, complaint.region
    else:
        scoping.ensure_allowed(acting_user, person, scoping.VIEW)
        person_name, region = person.full_name, person.region
    data = _check_consent(data, person)
    service = data["service"]
    if service.status != ServiceStatus.ACTIVE:
        raise ValidationError({"service": _("This service is not running now; choose another.")})
    data["documents_provided"] = _check_documents(service, data.get("documents_provided", []))
    referral = Referral(
        **{k: data[k] for k in DRAFT_FIELDS if k in data},
        complaint=complaint,
        person=person,
        person_name=person_name,
        region=region,
        agency=service.agency,
        created_by=acting_user,
    )
    referral.full_clean(exclude=["created_by", "complaint", "person", "region", "agency", "service"])
    referral.save()
    _attach_complaint_files(referral, complaint, complaint_attachments)
    for upload in uploads:
        _store_document(referral, upload, DocumentKind.SUPPORTING, acting_user)
    record_event(referral, ReferralEventKind.CREATED, acting_user, note=service.name)
    scoping.ensure_allowed(acting_user, referral, scoping.VIEW)
    return referral


def _attach_complaint_files(referral, complaint, attachments):
    attachments = list(attachments)
    if attachments and (complaint is None or any(a.complaint_id != complaint.pk for a in attachments)):
        raise ValidationError({"complaint_attachments": _("Only the complaint's own files can be sent along.")})
    referral.complaint_attachments.set(attachments)


@transaction.atomic
def referral_update_draft(
    referral: Referral,
    *,
    data: dict,
    acting_user,
    uploads=(),
    complaint_attachments=None,
    expected_version: int | None = None,
) -> Referral:
    """Change a draft before it is sent (service, reason, request, documents, consent), from
    ``expected_version`` when given (EditConflict when it was saved since)."""
    scoping.ensure_allowed(acting_user, referral, scoping.CHANGE)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _check_version(referral, expected_version)
    if referral.status != ReferralStatus.DRAFT:
        raise ValidationError(_("Only a draft can be changed; the agency already has this referral."))
    decisions.check_changeable(referral)
    data = _check_consent(data, referral.person)
    service = data["service"]
    if service.status != ServiceStatus.ACTIVE:
        raise ValidationError({"service": _("This service is not running now; choose another.")})
    data["documents_provided"] = _check_documents(service, data.get("documents_provided", []))
    before = {field: getattr(referral, field) for field in DRAFT_FIELDS}
    for field in DRAFT_FIELDS:
        if field in data:
            setattr(referral, field, data[field])
    referral.agency = service.agency
    referral.full_clean(exclude=["created_by", "complaint", "person", "region", "agency", "service"])
    changed = any(getattr(referral, field) != value for field, value in before.items())
    approved_by = decisions.clear_approval(referral) if changed else None
    versioning.save(referral)
    if approved_by is not None:
        decisions.record_cleared_approval(referral, acting_user, approved_by)
    if complaint_attachments is not None:
        _attach_complaint_files(referral, referral.complaint, complaint_attachments)
    for upload in uploads:
        _store_document(referral, upload, DocumentKind.SUPPORTING, acting_user)
    return referral


def _store_document(referral, upload, kind, acting_user) -> ReferralDocument:
    document = ReferralDocument(
        referral=referral,
        kind=kind,
        original_name=upload.name[:200],
        content_type=upload.checked_content_type,
        size=upload.size,
        uploaded_by=acting_user,
    )
    document.file.save(upload.name, upload, save=False)
    document.save()
    return document


@transaction.atomic
def service_save(service, *, expected_version: int | None = None):
    """Save a directory service (administrators, in the admin) from ``expected_version``: a
    service changed since is not overwritten (EditConflict)."""
    versioning.save(service, expected_version=expected_version)
    return service


def _check_version(referral: Referral, expected_version: int | None) -> None:
    """The locked referral is the version the officer's form was loaded from (None: no form)."""
    if expected_version is not None and referral.version != expected_version:
        raise versioning.EditConflict(referral, expected_version)


# --- Sending -----------------------------------------------------------------------------------
def may_send(user, referral=None, *, decision_required: bool | None = None) -> bool:
    """Whether the user may send referrals (the referring staff) and, given ``referral``, whether
    that draft can be sent now: not a rejected recommendation, and approved by a manager when the
    office asks for the decision (:mod:`referrals.decisions`)."""
    if not scoping.can(user, Referral, "send"):
        return False
    if referral is None:
        return True
    if referral.status != ReferralStatus.DRAFT or referral.decision == Decision.REJECTED:
        return False
    if decision_required is None:
        decision_required = decisions.decision_required()
    return referral.decision == Decision.APPROVED or not decision_required


@transaction.atomic
def referral_send(referral: Referral, *, acting_user, note: str = "") -> Referral:
    """Send the draft to the agency: letter number, due date from the service's SLA, and the
    complaint moves to "referred". When the office asks for the manager's decision, only an
    approved recommendation is sent."""
    scoping.ensure_allowed(acting_user, referral, "send")
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("service", "agency", "complaint")
        .get(pk=referral.pk)
    )
    if referral.status != ReferralStatus.DRAFT:
        raise ValidationError(_("This referral was already sent."))
    decisions.check_sendable(referral)
    if referral.service.status != ServiceStatus.ACTIVE:
        raise ValidationError(_("This service is not running now; change the draft to another service."))
    complaint = referral.complaint
    if complaint is not None and complaint.status not in COMPLAINT_OPEN_STATUSES:
        raise ValidationError(_("The complaint is finished; reopen it before sending the referral."))
    _dispatch(referral, acting_user, note)
    if complaint is not None and complaint.status != ComplaintStatus.REFERRED:
        complaint_services.complaint_change_status(
            complaint,
            to_status=ComplaintStatus.REFERRED,
            acting_user=acting_user,
            note=_("Referred to %(agency)s.") % {"agency": referral.agency.name},
        )
    complaint_services.resident_referred(complaint, referral)
    return referral


def _dispatch(referral, actor, note):
    now = timezone.now()
    today = timezone.localdate(now)
    referral.number = next_letter_number(today)
    referral.verification_token = secrets.token_urlsafe(24)  # 192 random bits, for the letter's QR code
    referral.due_date = add_working_days(today, referral.service.sla_working_days)
    referral.sent_at, referral.status = now, ReferralStatus.SENT
    versioning.save(
        referral, update_fields=["number", "verification_token", "due_date", "sent_at", "status", "updated_at"]
    )
    record_event(
        referral,
        ReferralEventKind.STATUS,
        actor,
        note=note.strip(),
        from_status=ReferralStatus.DRAFT,
        to_status=ReferralStatus.SENT,
    )
    unserved_counts_changed(referral.service_id)


# --- The agency's work -------------------------------------------------------------------------
@transaction.atomic
def referral_change_status(
    referral: Referral, *, to_status: str, note: str, acting_user, expected_version: int | None = None
) -> Referral:
    """The agency accepts, works on, completes or rejects the referral. Completing needs the
    outcome, rejecting the reason. ``expected_version``: the version the officer saw."""
    scoping.ensure_allowed(acting_user, referral, "work")
    referral = (
        Referral.objects.select_for_update(of=("self",)).select_related("agency", "complaint").get(pk=referral.pk)
    )
    _check_version(referral, expected_version)
    from_status = referral.status
    if to_status not in AGENCY_TRANSITIONS.get(from_status, ()):
        raise ValidationError({"to_status": _("A referral cannot go from this status to that one.")})
    note = note.strip()
    if to_status in FINISHED_STATUSES and not note:
        message = (
            _("Write the outcome for the person.")
            if to_status == ReferralStatus.COMPLETED
            else _("Write why the referral is rejected.")
        )
        raise ValidationError({"note": message})
    referral.status = to_status
    if to_status == ReferralStatus.ACCEPTED:
        referral.accepted_at = timezone.now()
    if to_status in FINISHED_STATUSES:
        referral.finished_at, referral.outcome = timezone.now(), note
    versioning.save(referral, update_fields=["status", "accepted_at", "finished_at", "outcome", "updated_at"])
    record_event(
        referral, ReferralEventKind.STATUS, acting_user, note=note, from_status=from_status, to_status=to_status
    )
    if to_status in FINISHED_STATUSES:
        _close_the_loop(referral, acting_user)
        unserved_counts_changed(referral.service_id)
    return referral


@transaction.atomic
def referral_redirect(
    referral: Referral, *, to_service, note: str, acting_user, expected_version: int | None = None
) -> Referral:
    """Send the person on to another agency's service: this referral ends as "redirected" and a
    linked referral, with the same person, consent and documents, goes to the new agency at once.
    Returns the new referral."""
    scoping.ensure_allowed(acting_user, referral, "redirect")
    referral = (
        Referral.objects.select_for_update(of=("self",)).select_related("agency", "complaint").get(pk=referral.pk)
    )
    _check_version(referral, expected_version)
    if referral.status not in REDIRECTABLE:
        raise ValidationError(_("Only a referral that is still open can be redirected."))
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Write why the person is redirected.")})
    if to_service.status != ServiceStatus.ACTIVE:
        raise ValidationError({"to_service": _("This service is not running now; choose another.")})
    if to_service.agency_id == referral.agency_id:
        raise ValidationError({"to_service": _("Choose a service of another agency.")})
    from_status = referral.status
    referral.status, referral.finished_at, referral.outcome = ReferralStatus.REDIRECTED, timezone.now(), note
    versioning.save(referral, update_fields=["status", "finished_at", "outcome", "updated_at"])
    unserved_counts_changed(referral.service_id)
    redirected_by = _("Redirected by %(agency)s") % {"agency": referral.agency.name}
    linked = Referral.objects.create(
        complaint=referral.complaint,
        person=referral.person,
        person_name=referral.person_name,
        region=referral.region,
        agency=to_service.agency,
        service=to_service,
        reason=referral.reason,
        request=f"{referral.request}\n\n{redirected_by}: {note}",
        documents_provided=[
            d for d in referral.documents_provided if d in {x.document for x in to_service.required_documents.all()}
        ],
        consent_given=referral.consent_given,
        consent_by=referral.consent_by,
        consent_giver=referral.consent_giver,
        consent_method=referral.consent_method,
        consent_at=referral.consent_at,
        redirected_from=referral,
        created_by=acting_user,
    )
    linked.complaint_attachments.set(referral.complaint_attachments.all())
    for document in referral.documents.filter(kind=DocumentKind.SUPPORTING):
        ReferralDocument.objects.create(
            referral=linked,
            kind=document.kind,
            file=document.file.name,
            original_name=document.original_name,
            content_type=document.content_type,
            size=document.size,
            uploaded_by=document.uploaded_by,
            uploaded_at=document.uploaded_at,
        )
    _dispatch(
        linked,
        acting_user,
        _("Redirected from %(number)s (%(agency)s).") % {"number": referral.number, "agency": referral.agency.name},
    )
    record_event(
        referral,
        ReferralEventKind.STATUS,
        acting_user,
        from_status=from_status,
        to_status=ReferralStatus.REDIRECTED,
        note=f"{note}\n→ {linked.number} · {to_service.agency.name}",
    )
    return linked


@transaction.atomic
def referral_add_note(referral: Referral, *, note: str, acting_user) -> ReferralEvent:
    scoping.ensure_allowed(acting_user, referral, "note")
    if not note.strip():
        raise ValidationError({"note": _("The note is empty.")})
    return record_event(referral, ReferralEventKind.NOTE, acting_user, note=note.strip())


@transaction.atomic
def referral_add_documents(referral: Referral, *, uploads, acting_user) -> list[ReferralDocument]:
    """The agency adds its results; the referring office adds supporting documents."""
    scoping.ensure_allowed(acting_user, referral, "note")
    if referral.status == ReferralStatus.DRAFT and acting_user.role == Role.AGENCY:
        raise PermissionDenied("agencies do not see drafts")
    kind = DocumentKind.RESULT if acting_user.role == Role.AGENCY else DocumentKind.SUPPORTING
    stored = [_store_document(referral, upload, kind, acting_user) for upload in uploads]
    record_event(referral, ReferralEventKind.DOCUMENT, acting_user, note=", ".join(d.original_name for d in stored))
    return stored


# --- The closed loop ---------------------------------------------------------------------------
def complaint_referrals_finished(complaint) -> bool:
    """An open complaint whose referrals were all sent and have all finished: its officer should
    close it with the outcome."""
    states = set(complaint.referrals.exclude(status=ReferralStatus.DRAFT).values_list("status", flat=True))
    return complaint.status in COMPLAINT_OPEN_STATUSES and bool(states) and states <= set(FINISHED_STATUSES)


def _close_the_loop(referral, actor):
    """When the last open referral of a complaint finishes, the complaint's timeline says so and
    its officer is told to close it with the outcome."""
    complaint = referral.complaint
    if complaint is None or not complaint_referrals_finished(complaint):
        return
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=EventKind.REFERRAL,
        actor=actor,
        note=_("All referrals are finished: close the complaint with the outcome."),
    )
    followup.notify_ready_to_close(complaint)


def may_work(user, referral) -> bool:
    return scoping.can(user, Referral, "work") and referral.status in AGENCY_TRANSITIONS
