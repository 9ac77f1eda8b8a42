"""Complaint desk business rules: intake with gapless ticket numbers, the desk queue, status
changes with their timeline, assignment, notes, attachments and the SLA. Views, the public form,
demo data and tests all call these."""

import datetime
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notices import services as notices
from notices.models import Event as NoticeEvent
from onegate import scoping, versioning
from onegate.counters import take_number
from registry import services as registry_services

from .models import (
    FINISHED_STATUSES,
    Attachment,
    Channel,
    Complaint,
    ComplaintEvent,
    EventKind,
    QueueCounter,
    Status,
    TicketCounter,
)
from .phones import phone_digits
from .sla import due_date_for

TICKET_PREFIX = "ADU"
# Where a complaint may go from each status. Reopening a finished one needs a reason.
TRANSITIONS = {
    Status.NEW: {Status.ASSESSMENT, Status.REFERRED, Status.RESOLVED, Status.CLOSED},
    Status.ASSESSMENT: {Status.REFERRED, Status.RESOLVED, Status.CLOSED},
    Status.REFERRED: {Status.ASSESSMENT, Status.RESOLVED, Status.CLOSED},
    Status.RESOLVED: {Status.ASSESSMENT},
    Status.CLOSED: {Status.ASSESSMENT},
}


# --- Numbers (gapless: taken in the transaction that saves the complaint) ------------------------
def next_ticket_number(year: int) -> str:
    return f"{TICKET_PREFIX}-{year}-{take_number(TicketCounter, year):06d}"


def next_queue_number(day: datetime.date) -> int:
    return take_number(QueueCounter, day)


# --- Intake ------------------------------------------------------------------------------------
@transaction.atomic
def complaint_create(*, data: dict, acting_user=None, attachments=(), updates_channel: str = "") -> Complaint:
    """Record a complaint: ticket number, due date from the category's SLA, a queue number for a
    walk-in, the first timeline event, and any attachments (already checked by
    :func:`onegate.uploads.check_upload`). ``acting_user`` is None for the public form.
    ``updates_channel`` ("sms", "whatsapp"): the complainant agreed to hear how it goes on their
    phone; the consent is recorded and the first message queued."""
    if acting_user is not None:
        scoping.ensure_can(acting_user, Complaint, scoping.ADD)
    complaint = Complaint(**data, created_by=acting_user)
    if complaint.subject_id:
        complaint.region = complaint.subject.region
        complaint.subject_name = complaint.subject.full_name
    if complaint.is_anonymous:
        complaint.complainant_name = complaint.complainant_phone = ""
    received = timezone.localdate(complaint.received_at)
    complaint.due_date = due_date_for(complaint.category, received)
    complaint.ticket_number = next_ticket_number(received.year)
    if complaint.channel == Channel.WALK_IN:
        complaint.queue_number = next_queue_number(received)
    # Field checks only: the intake forms chose the category and place from the database, the
    # ticket counter makes the number unique, and the database holds those keys and constraints
    # anyway; checking them here again cost six round trips on the desk's busiest page.
    complaint.full_clean(
        exclude=["created_by", "assigned_to", "subject", "region", "category"],
        validate_unique=False,
        validate_constraints=False,
    )
    complaint.save()
    _event(complaint, EventKind.CREATED, acting_user, to_status=Status.NEW, is_public=True, at=complaint.received_at)
    for upload in attachments:
        _store_attachment(complaint, upload, acting_user)
    if updates_channel:  # a consent is only given at intake: without it, nobody to tell (no query)
        _record_updates_consent(complaint, updates_channel, acting_user)
        tell_resident(complaint, NoticeEvent.RECEIVED, key=f"complaint:{complaint.pk}:diterima")
    if acting_user is not None:
        scoping.ensure_allowed(acting_user, complaint, scoping.VIEW)
    return complaint


# --- Messages to the complainant (notices) -------------------------------------------------------
def _record_updates_consent(complaint: Complaint, channel: str, acting_user) -> None:
    if complaint.is_anonymous or not complaint.complainant_phone:
        raise ValidationError({"complainant_phone": _("Updates need the complainant's phone number.")})
    try:
        notices.record_consent(
            topic="complaint",
            topic_id=complaint.pk,
            reference=complaint.ticket_number,
            region_id=complaint.region_id,
            phone=complaint.complainant_phone,
            channel=channel,
            source="loket" if acting_user is not None else "online",
            acting_user=acting_user,
        )
    except ValidationError as exc:
        raise ValidationError({"complainant_phone": exc.messages}) from exc


def public_status_url(complaint: Complaint) -> str:
    """The status page with the ticket filled in (the resident types their phone number)."""
    path = reverse("complaints-public:status")
    return f"{settings.PORTAL_URL.rstrip('/')}{path}?tiket={complaint.ticket_number}"


def tell_resident(complaint: Complaint, event: str, *, key: str, note: str = "", status: str = "") -> None:
    """Queue the event's message to the complainant, if they agreed to updates (once per ``key``).
    Only the ticket, the status, the status page and a public note go in it."""
    notices.queue(
        topic="complaint",
        topic_id=complaint.pk,
        event=event,
        key=key,
        values={
            "ticket": complaint.ticket_number,
            "status": Status(status or complaint.status).label,
            "url": public_status_url(complaint),
            "note": note,
        },
    )


def resident_referred(complaint: Complaint | None, referral) -> None:
    """A referral from the complaint was sent: the complainant hears it (once per referral)."""
    if complaint is not None:
        key = f"complaint:{complaint.pk}:dirujuk:{referral.pk}"
        tell_resident(complaint, NoticeEvent.REFERRED, key=key, status=Status.REFERRED)


@transaction.atomic
def complaint_intake(
    *, data: dict, person_data: dict | None, confirm_nik: bool, acting_user, attachments=(), updates_channel: str = ""
) -> Complaint:
    """The desk's intake: the person concerned registered quickly when they are not in the registry
    yet (``person_data``; see registry.services.person_quick_register), then the complaint about
    them, in one transaction. The person's errors come back under ``subject_<field>``, as the
    intake form names those fields."""
    if person_data:
        try:
            data = {
                **data,
                "subject": registry_services.person_quick_register(
                    data=person_data, acting_user=acting_user, confirm_nik=confirm_nik
                ),
            }
        except ValidationError as exc:
            raise ValidationError({f"subject_{field}": errors for field, errors in exc.message_dict.items()}) from exc
    return complaint_create(
        data=data, acting_user=acting_user, attachments=attachments, updates_channel=updates_channel
    )


def _event(
    complaint, kind, actor, *, note="", from_status="", to_status="", is_public=False, at=None
) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        actor=actor,
        note=note,
        from_status=from_status,
        to_status=to_status,
        is_public=is_public,
        at=at or timezone.now(),
    )


def _store_attachment(complaint, upload, acting_user) -> Attachment:
    attachment = Attachment(
        complaint=complaint,
        original_name=upload.name[:200],
        content_type=upload.checked_content_type,
        size=upload.size,
        uploaded_by=acting_user,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


# --- Follow-up ---------------------------------------------------------------------------------
@transaction.atomic
def complaint_change_status(
    complaint: Complaint,
    *,
    to_status: str,
    note: str,
    acting_user,
    is_public: bool = True,
    expected_version: int | None = None,
) -> Complaint:
    """Move a complaint along its workflow. Finishing needs the outcome or closing reason; reopening
    a finished complaint needs the reason it is reopened. ``expected_version``: the version the
    officer saw (default: none, the change applies to the complaint as it is now, locked); a
    complaint changed since is not changed again."""
    scoping.ensure_allowed(acting_user, complaint, scoping.CHANGE)
    given = complaint
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if expected_version is not None and complaint.version != expected_version:
        raise versioning.EditConflict(complaint, expected_version)
    from_status = complaint.status
    if to_status not in TRANSITIONS.get(from_status, ()):
        raise ValidationError({"to_status": _("A complaint cannot go from this status to that one.")})
    note = note.strip()
    if to_status in FINISHED_STATUSES and not note:
        raise ValidationError({"note": _("Write the outcome, or the reason for closing.")})
    if from_status in FINISHED_STATUSES and not note:
        raise ValidationError({"note": _("Write why the complaint is reopened.")})
    complaint.status = to_status
    if to_status in FINISHED_STATUSES:
        complaint.finished_at, complaint.closing_reason = timezone.now(), note
    else:
        complaint.finished_at, complaint.closing_reason = None, ""
    versioning.save(complaint, update_fields=["status", "finished_at", "closing_reason", "updated_at"])
    given.version = complaint.version  # the caller's instance stays usable for its next change
    event = _event(
        complaint,
        EventKind.STATUS,
        acting_user,
        note=note,
        from_status=from_status,
        to_status=to_status,
        is_public=is_public,
    )
    if to_status in FINISHED_STATUSES:
        # Once per finishing: a complaint reopened and finished again is told again.
        told = NoticeEvent.RESOLVED if to_status == Status.RESOLVED else NoticeEvent.CLOSED
        key = f"complaint:{complaint.pk}:{told}:{event.pk}"
        tell_resident(complaint, told, key=key, note=note if is_public else "", status=to_status)
    return complaint


@transaction.atomic
def complaint_assign(
    complaint: Complaint, *, officer, acting_user, note: str = "", expected_version: int | None = None
) -> Complaint:
    """Give the complaint to an officer who can see it (from ``expected_version``, default the instance's)."""
    scoping.ensure_allowed(acting_user, complaint, "assign")
    if (
        officer is not None
        and not scoping.restrict(Complaint.objects.filter(pk=complaint.pk), officer, scoping.CHANGE).exists()
    ):
        raise ValidationError({"officer": _("This officer cannot work on this complaint (role or area).")})
    complaint.assigned_to = officer
    versioning.save(complaint, expected_version=expected_version, update_fields=["assigned_to", "updated_at"])
    who = officer.get_full_name() or officer.username if officer else _("nobody")
    _event(
        complaint, EventKind.ASSIGNED, acting_user, note=note.strip() or _("Assigned to %(officer)s") % {"officer": who}
    )
    return complaint


@transaction.atomic
def complaint_link_assessment(
    complaint: Complaint, *, assessment, acting_user, expected_version: int | None = None
) -> Complaint:
    """Link a complaint in assessment to a needs assessment of its subject's household."""
    scoping.ensure_allowed(acting_user, complaint, scoping.CHANGE)
    if complaint.status != Status.ASSESSMENT:
        raise ValidationError(_("Only a complaint in assessment can be linked to a needs assessment."))
    household = complaint.subject.household_id if complaint.subject_id else None
    if assessment.household_id != household:
        raise ValidationError({"assessment": _("This assessment is not of the household of the person concerned.")})
    scoping.ensure_allowed(acting_user, assessment, scoping.VIEW)
    complaint.assessment = assessment
    versioning.save(complaint, expected_version=expected_version, update_fields=["assessment", "updated_at"])
    date = assessment.visited_on.strftime("%d/%m/%Y")
    _event(
        complaint, EventKind.NOTE, acting_user, note=_("Linked to the needs assessment of %(date)s") % {"date": date}
    )
    return complaint


@transaction.atomic
def complaint_add_note(complaint: Complaint, *, note: str, acting_user, is_public: bool = False) -> ComplaintEvent:
    scoping.ensure_allowed(acting_user, complaint, scoping.CHANGE)
    if not note.strip():
        raise ValidationError({"note": _("The note is empty.")})
    return _event(complaint, EventKind.NOTE, acting_user, note=note.strip(), is_public=is_public)


@transaction.atomic
def complaint_add_attachments(complaint: Complaint, *, uploads, acting_user) -> list[Attachment]:
    scoping.ensure_allowed(acting_user, complaint, scoping.CHANGE)
    stored = [_store_attachment(complaint, upload, acting_user) for upload in uploads]
    names = ", ".join(a.original_name for a in stored)
    _event(complaint, EventKind.ATTACHMENT, acting_user, note=names)
    return stored


@transaction.atomic
def complaint_mark_served(complaint: Complaint, *, acting_user) -> Complaint:
    """The walk-in was called from the queue and served at the desk."""
    scoping.ensure_allowed(acting_user, complaint, scoping.CHANGE)
    if complaint.queue_number is None:
        raise ValidationError(_("Only walk-in complaints are in the desk queue."))
    if complaint.served_at is None:
        complaint.served_at = timezone.now()
        versioning.save(complaint, update_fields=["served_at", "updated_at"])
        _event(complaint, EventKind.SERVED, acting_user)
    return complaint


# --- Public status check ------------------------------------------------------------------------
def find_public_complaint(ticket: str, phone: str) -> Complaint | None:
    """The complaint when both the ticket and its phone number match; otherwise None, the same
    answer for an unknown ticket and a wrong phone."""
    complaint = Complaint.objects.filter(ticket_number=ticket).select_related("category__parent").first()
    given, recorded = phone_digits(phone), phone_digits(complaint.complainant_phone) if complaint else ""
    matches = hmac.compare_digest(given.encode(), recorded.encode()) and len(recorded) >= 8
    return complaint if complaint and matches else None
