"""Complaint desk business rules: intake with gapless ticket numbers, the desk queue, status
changes with their timeline, assignment, notes, attachments and the SLA. Views, the public form,
demo data and tests all call these."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from onegate import scoping
from onegate.counters import take_number
from onegate.workdays.services import add_working_days

from .models import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    Attachment,
    Channel,
    Complaint,
    ComplaintEvent,
    EventKind,
    QueueCounter,
    SlaState,
    Status,
    TicketCounter,
)

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


# --- SLA ---------------------------------------------------------------------------------------
def at_risk_days() -> int:
    return settings.COMPLAINT_AT_RISK_WORKING_DAYS


@dataclass(frozen=True)
class SlaClock:
    """Today and the last due date that counts as "at risk" (within ``at_risk_days`` working days),
    worked out once so that a list of complaints costs no query per row."""

    today: datetime.date
    risk_until: datetime.date

    @classmethod
    def now(cls, today: datetime.date | None = None) -> "SlaClock":
        today = today or timezone.localdate()
        return cls(today, add_working_days(today, at_risk_days()))

    def state(self, complaint: Complaint) -> str:
        """Late once past the due date, at risk when due soon; a finished complaint keeps the state
        it finished in."""
        if complaint.status in FINISHED_STATUSES and complaint.finished_at:
            finished = timezone.localdate(complaint.finished_at)
            return SlaState.LATE if finished > complaint.due_date else SlaState.ON_TIME
        if complaint.due_date < self.today:
            return SlaState.LATE
        return SlaState.AT_RISK if complaint.due_date <= self.risk_until else SlaState.ON_TIME

    def q(self, state: str) -> Q:
        """The same states as :meth:`state`, as a filter the database can use."""
        open_ = Q(status__in=OPEN_STATUSES)
        finished_late = Q(status__in=FINISHED_STATUSES, finished_at__date__gt=F("due_date"))
        if state == SlaState.LATE:
            return (open_ & Q(due_date__lt=self.today)) | finished_late
        if state == SlaState.AT_RISK:
            return open_ & Q(due_date__gte=self.today, due_date__lte=self.risk_until)
        return (open_ & Q(due_date__gt=self.risk_until)) | (Q(status__in=FINISHED_STATUSES) & ~finished_late)


def due_date_for(category, received: datetime.date) -> datetime.date:
    return add_working_days(received, category.sla_days)


# --- Intake ------------------------------------------------------------------------------------
@transaction.atomic
def complaint_create(*, data: dict, acting_user=None, attachments=()) -> Complaint:
    """Record a complaint: ticket number, due date from the category's SLA, a queue number for a
    walk-in, the first timeline event, and any attachments (already checked by
    :func:`complaints.attachments.check_upload`). ``acting_user`` is None for the public form."""
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
    if acting_user is not None:
        scoping.ensure_allowed(acting_user, complaint, scoping.VIEW)
    return complaint


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
    complaint: Complaint, *, to_status: str, note: str, acting_user, is_public: bool = True
) -> Complaint:
    """Move a complaint along its workflow. Finishing needs the outcome or closing reason; reopening
    a finished complaint needs the reason it is reopened."""
    scoping.ensure_allowed(acting_user, complaint, scoping.CHANGE)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
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
    complaint.save(update_fields=["status", "finished_at", "closing_reason", "updated_at"])
    _event(
        complaint,
        EventKind.STATUS,
        acting_user,
        note=note,
        from_status=from_status,
        to_status=to_status,
        is_public=is_public,
    )
    return complaint


@transaction.atomic
def complaint_assign(complaint: Complaint, *, officer, acting_user, note: str = "") -> Complaint:
    """Give the complaint to an officer who can see it."""
    scoping.ensure_allowed(acting_user, complaint, "assign")
    if (
        officer is not None
        and not scoping.restrict(Complaint.objects.filter(pk=complaint.pk), officer, scoping.CHANGE).exists()
    ):
        raise ValidationError({"officer": _("This officer cannot work on this complaint (role or area).")})
    complaint.assigned_to = officer
    complaint.save(update_fields=["assigned_to", "updated_at"])
    who = officer.get_full_name() or officer.username if officer else _("nobody")
    _event(
        complaint, EventKind.ASSIGNED, acting_user, note=note.strip() or _("Assigned to %(officer)s") % {"officer": who}
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
        complaint.save(update_fields=["served_at", "updated_at"])
        _event(complaint, EventKind.SERVED, acting_user)
    return complaint
