"""A referral's timeline: who did what, when, with a note. A referral made from a complaint writes each
line on the complaint's timeline too."""

from django.utils.translation import gettext as _

from complaints.models import ComplaintEvent, EventKind

from .models import ReferralEvent, ReferralEventKind, ReferralStatus


def record_event(referral, kind, actor, *, note="", from_status="", to_status="") -> ReferralEvent:
    """Record a line on the referral's timeline and, for a referral from a complaint, on the
    complaint's timeline too (kept inside the office: the agency's notes are not for the public)."""
    event = ReferralEvent.objects.create(
        referral=referral, kind=kind, actor=actor, note=note, from_status=from_status, to_status=to_status
    )
    if referral.complaint_id:
        what = ReferralStatus(to_status).label if to_status else ReferralEventKind(kind).label
        draft = _("Draft referral")
        summary = f"{referral.number or draft} · {referral.agency.name}: {what}"
        ComplaintEvent.objects.create(
            complaint_id=referral.complaint_id,
            kind=EventKind.REFERRAL,
            actor=actor,
            at=event.at,
            note=f"{summary}\n{note}" if note else summary,
        )
    return event
