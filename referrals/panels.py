"""The referral sections of a person's page and of a complaint's page (registered in apps.py): the
referrals, and the services the person may qualify for."""

from django.db.models import Prefetch
from django.utils import timezone

from onegate import scoping
from onegate.accounts.models import Role
from registry.models import Person
from registry.selectors import people_visible_to

from . import decisions
from .matching import KTP_AGE, for_matching, suggestions_for
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


def _suggestions(user, person, refer_from: str, *, boxed=False):
    return {
        "person": person,
        "suggestions": suggestions_for(person, timezone.localdate(), user=user),
        "refer_from": refer_from,  # the referral form's origin: ?person=<pk> or ?pengaduan=<pk>
        "can_add": scoping.can(user, Referral, scoping.ADD),
        "ktp_age": KTP_AGE,
        "boxed": boxed,  # in a card, as the complaint page's sections are
    }


def _may_see_suggestions(user) -> bool:
    # The back office's judgement: Dinsos staff who read the registry; never an agency.
    return user.role != Role.AGENCY and scoping.can(user, Person) and scoping.can(user, Referral)


def person_suggestions(user, person):
    """The services the person may qualify for (referrals.matching), on the person page."""
    if not _may_see_suggestions(user):
        return None
    return _suggestions(user, person, f"person={person.pk}")


def complaint_suggestions(user, complaint):
    """The same suggestions for a complaint's subject while the complaint is in assessment."""
    from complaints.models import Status

    if complaint.status != Status.ASSESSMENT or not complaint.subject_id or not _may_see_suggestions(user):
        return None
    person = for_matching(people_visible_to(user)).filter(pk=complaint.subject_id).first()
    if person is None:
        return None
    return _suggestions(user, person, f"pengaduan={complaint.pk}", boxed=True)


def decisions_waiting(user, _obj):
    """On a manager's home page, when the office asks for decisions: how many recommendations in
    their scope wait for one."""
    count = decisions.waiting_count(user)
    if count is None:
        return None
    return {"count": count}
