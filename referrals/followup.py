"""Following referrals up: the daily overdue job and the notices it sends, and the notice to a
complaint's officer when all its referrals are finished.

A referral past its due date and not finished is *overdue*: its agency's officers and the Dinsos
managers whose scope holds it are notified (level 1). After settings.REFERRAL_ESCALATION_DAYS
working days overdue the managers are notified again (level 2, escalation). Each step is marked on
the referral (``escalation_level``) and its timeline, and each notification is unique per user,
referral, kind and level, so running the job twice, or in two workers, notifies nobody twice.
Notices carry no personal data: they go out by email too."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onegate import scoping
from onegate.accounts.models import Role, User
from onegate.notifications.services import notify, office_language
from onegate.workdays.services import holidays_between, working_days_between

from .models import OPEN_STATUSES, Referral, ReferralEventKind
from .timeline import record_event

OVERDUE, ESCALATED = 1, 2
KIND_OVERDUE = "referral-overdue"
KIND_READY_TO_CLOSE = "complaint-ready-to-close"


def overdue_referrals(today: datetime.date):
    return Referral.objects.filter(status__in=OPEN_STATUSES, due_date__lt=today)


def level_for(days_overdue: int) -> int:
    """1 from the first day past the due date, 2 after the escalation's working days."""
    return ESCALATED if days_overdue >= settings.REFERRAL_ESCALATION_DAYS else OVERDUE


def check_overdue_referrals(today: datetime.date | None = None) -> dict[str, int]:
    """The daily job: mark, notify and escalate overdue referrals. Returns what it did."""
    today = today or timezone.localdate()
    referrals = list(overdue_referrals(today).select_related("agency", "service").order_by("due_date", "pk"))
    done = {"overdue": len(referrals), "marked": 0, "escalated": 0, "notifications": 0}
    if not referrals:
        return done
    holidays = holidays_between(referrals[0].due_date, today)
    audience = _audience(referrals)
    for referral in referrals:
        days_overdue = working_days_between(referral.due_date, today, holidays)
        for level in range(referral.escalation_level + 1, level_for(days_overdue) + 1):
            notified = _raise_level(referral, level, audience[referral.pk], days_overdue)
            if notified is None:
                break  # another run (or a status change) got there first
            done["marked" if level == OVERDUE else "escalated"] += 1
            done["notifications"] += notified
    return done


def _audience(referrals) -> dict[int, list]:
    """For each referral, the agency officers and managers allowed to see it, through the same
    scoping as every page (one query per officer or manager)."""
    ids = [r.pk for r in referrals]
    audience = {pk: [] for pk in ids}
    for user in User.objects.filter(is_active=True, role__in=[Role.AGENCY, Role.MANAGER]).order_by("pk"):
        for pk in scoping.restrict(Referral.objects.filter(pk__in=ids), user).values_list("pk", flat=True):
            audience[pk].append(user)
    return audience


@transaction.atomic
def _raise_level(referral, level, audience, days_overdue) -> int | None:
    """Mark the referral at ``level``, record it on the timeline and notify; None when it was
    already there or is no longer open."""
    marked = Referral.objects.filter(pk=referral.pk, status__in=OPEN_STATUSES, escalation_level__lt=level).update(
        escalation_level=level
    )
    if not marked:
        return None
    referral.escalation_level = level
    recipients = [u for u in audience if level == OVERDUE or u.role == Role.MANAGER]
    with office_language():
        facts = {
            "number": referral.number,
            "service": referral.service.name,
            "agency": referral.agency.name,
            "due": referral.due_date.strftime("%d/%m/%Y"),
            "days": days_overdue,
        }
        if level == OVERDUE:
            kind_event = ReferralEventKind.OVERDUE
            title = _("Referral %(number)s is overdue") % facts
            body = _("%(service)s at %(agency)s was due on %(due)s and is not finished.") % facts
        else:
            kind_event = ReferralEventKind.ESCALATED
            title = _("Escalation: referral %(number)s is %(days)s working days overdue") % facts
            body = (
                _(
                    "%(service)s at %(agency)s was due on %(due)s and is still not finished. Please follow it up with the agency."
                )
                % facts
            )
        record_event(referral, kind_event, None, note=body)
    return len(
        notify(
            recipients,
            about=referral,
            kind=KIND_OVERDUE,
            level=level,
            title=title,
            body=body,
            url=referral.get_absolute_url(),
        )
    )


def notify_ready_to_close(complaint) -> int:
    """All the complaint's referrals are finished: tell its officer (the assigned one, else who
    recorded it, else the managers whose scope holds it) to close it with the outcome."""
    from complaints.models import Complaint

    officers = [u for u in (complaint.assigned_to, complaint.created_by) if u is not None and u.is_active]
    if officers:
        recipients = officers[:1]
    else:
        recipients = list(User.objects.filter(is_active=True, role=Role.MANAGER))
    recipients = [
        u for u in recipients if scoping.restrict(Complaint.objects.filter(pk=complaint.pk), u, scoping.CHANGE).exists()
    ]
    with office_language():
        title = _("Complaint %(ticket)s is ready to close") % {"ticket": complaint.ticket_number}
        body = _("All its referrals are finished: close it with the outcome for the resident.")
    return len(
        notify(
            recipients,
            about=complaint,
            kind=KIND_READY_TO_CLOSE,
            title=title,
            body=body,
            url=complaint.get_absolute_url(),
        )
    )
