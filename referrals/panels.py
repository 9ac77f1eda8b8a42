"""The referral sections of a person's page and of a complaint's page (registered in apps.py)."""

from django.db.models import Prefetch

from onegate import scoping

from . import decisions
from .models import Referral, ReferralEvent, ReferralStatus


def _visible(user, referrals):
    return (
        scoping.restrict(referrals, user)
        .select_related("agency", "service")
        .prefetch_related(
            Prefetch("events", queryset=ReferralEvent.objects.select_related("actor").order_by("at", "pk"))
        )
        .order_by("-created_at")
    )


def person_referrals(user, person):
    """The person's referrals the user may see, each with its timeline."""
    if not scoping.can(user, Referral):
        return None
    return {
        "referrals": list(_visible(user, Referral.objects.filter(person=person))[:20]),
        "person": person,
        "can_add": scoping.can(user, Referral, scoping.ADD),
        "decision_required": decisions.decision_required(),
    }


def outcome_summary(referrals) -> str:
    """The outcomes of a complaint's referrals, as a first draft of the complaint's outcome."""
    lines = []
    for r in referrals:
        if r.status != ReferralStatus.DRAFT:
            lines.append(f"{r.agency.name} ({r.get_status_display()}): {r.outcome}".strip())
    return "\n".join(lines)


def complaint_referrals(user, complaint):
    """The complaint's referrals with their outcomes, and the prompt to close the complaint once
    they are all finished."""
    from complaints.models import Complaint

    from .services import complaint_referrals_finished

    if not scoping.can(user, Referral):
        return None
    referrals = list(_visible(user, complaint.referrals.all()))
    ready = complaint_referrals_finished(complaint) and scoping.can(user, Complaint, scoping.CHANGE)
    return {
        "referrals": referrals,
        "complaint": complaint,
        "ready_to_close": ready,
        "outcome_summary": outcome_summary(referrals) if ready else "",
        "can_add": complaint.is_open and scoping.can(user, Referral, scoping.ADD),
        "decision_required": decisions.decision_required(),
    }


def decisions_waiting(user, _obj):
    """On a manager's home page, when the office asks for decisions: how many recommendations in
    their scope wait for one."""
    count = decisions.waiting_count(user)
    if count is None:
        return None
    return {"count": count}
