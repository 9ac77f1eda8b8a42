"""The service decision (*penetapan layanan*): in SLRT the back office recommends a service and the
manager decides it before the letter goes out. When the office's setting asks for it
(:class:`ReferralSettings`, edited by administrators), a draft referral is a *recommendation*:
officers draft it (from the matching's suggestion or by hand, the reason being their note), a
manager in whose scope it lies approves it (*ditetapkan*) or rejects it with a reason (*tidak
ditetapkan*), and only an approved one can be sent (:func:`check_sendable`, called by
``services.referral_send``). The decision, its maker and time are on the referral (versioned,
audited), on its timeline and in the letter. A rejected recommendation is closed: it is never sent
and cannot be changed. An approved one that is changed afterwards waits for a new decision.

With the setting off nothing of this applies: drafts are sent as before. A rejection stays final
when the setting is turned off later."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from onegate import scoping, versioning
from onegate.notifications.services import notify, office_language

from .models import Decision, Referral, ReferralEventKind, ReferralSettings, ReferralStatus
from .timeline import record_event

DECIDE = "decide"  # the scoping action (referrals/apps.py: managers only)
KIND_DECIDED = "referral-decided"
DECISION_FIELDS = ("decision", "decision_note", "decided_by", "decided_at")


def decision_required() -> bool:
    """Whether the office asks for the manager's decision before a referral is sent (one row read
    by its primary key)."""
    return ReferralSettings.current().decision_required


def waiting_q() -> Q:
    """Recommendations waiting for a decision: drafts not decided yet."""
    return Q(status=ReferralStatus.DRAFT, decision="")


def waiting_for(user):
    """The recommendations in the user's scope that wait for a manager's decision (only a
    manager's scope has any: others may not decide)."""
    return scoping.restrict(Referral.objects.filter(waiting_q()), user, DECIDE)


def waiting_count(user, required: bool | None = None) -> int | None:
    """How many recommendations wait for a manager's decision in this manager's scope; None when
    the user does not decide or the office does not ask for decisions (``required``: the setting,
    when the caller read it already)."""
    if not scoping.can(user, Referral, DECIDE):
        return None
    if not (decision_required() if required is None else required):
        return None
    return waiting_for(user).count()


def awaits_decision(referral, required: bool) -> bool:
    return required and referral.status == ReferralStatus.DRAFT and referral.decision == ""


def refusal_to_decide(user, referral, required: bool) -> str | None:
    """Why this user cannot decide this recommendation now (None: they can)."""
    if not scoping.can(user, Referral, DECIDE):
        return _("Only a manager decides on a recommendation.")
    if not awaits_decision(referral, required):
        return _("This referral does not wait for a decision.")
    if referral.created_by_id == user.pk:
        others = [
            u.get_full_name() or u.username
            for u in scoping.users_who_can(referral, DECIDE).exclude(pk=user.pk).order_by("first_name", "username")
        ]
        if not others:
            return _(
                "You drafted this recommendation: another manager decides on it, and no other manager's area holds "
                "it. Ask an administrator."
            )
        return _("You drafted this recommendation: another manager decides on it (%(names)s).") % {
            "names": ", ".join(others)
        }
    return None


def may_decide(user, referral, required: bool) -> bool:
    return refusal_to_decide(user, referral, required) is None


def check_sendable(referral) -> None:
    """Called by the send service on the locked draft: a rejected recommendation is never sent,
    and while the office asks for decisions only an approved one is."""
    if referral.decision == Decision.REJECTED:
        raise ValidationError(_("The manager did not approve this recommendation: it cannot be sent."))
    if referral.decision != Decision.APPROVED and decision_required():
        raise ValidationError(
            _("This recommendation waits for the manager's decision (penetapan layanan) before it can be sent.")
        )


def check_changeable(referral) -> None:
    if referral.decision == Decision.REJECTED:
        raise ValidationError(
            _("The manager did not approve this recommendation: it is closed. Draft a new one if needed.")
        )


def clear_approval(referral):
    """An approved draft whose content was changed (``referral`` not yet saved) waits for a new
    decision: what the manager approved is no longer what would be sent. Returns who had approved
    it (None: it was not approved)."""
    if referral.decision != Decision.APPROVED:
        return None
    previous = referral.decided_by
    referral.decision, referral.decision_note, referral.decided_by, referral.decided_at = "", "", None, None
    return previous


def record_cleared_approval(referral, acting_user, previous) -> None:
    name = previous.get_full_name() or previous.username
    record_event(
        referral,
        ReferralEventKind.DECISION_RESET,
        acting_user,
        note=_("Approved by %(name)s before the change.") % {"name": name},
    )


@transaction.atomic
def referral_decide(
    referral: Referral, *, decision: str, note: str, acting_user, expected_version: int | None = None
) -> Referral:
    """A manager approves or rejects a recommendation (a rejection needs the reason). The same
    decision posted twice by the same manager (a double click) is recorded once; ``expected_version``:
    the version the manager saw (EditConflict when the draft was changed since)."""
    scoping.ensure_allowed(acting_user, referral, DECIDE)
    # Not joined with decided_by: a row locked after another manager's decision is read again
    # as committed, but PostgreSQL does not read the rows joined to it again.
    referral = Referral.objects.select_for_update(of=("self",)).select_related("agency", "service").get(pk=referral.pk)
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose approve or reject.")})
    note = note.strip()
    if referral.decision:
        if referral.decision == decision and referral.decided_by_id == acting_user.pk:
            return referral  # the same decision again: already recorded
        who = referral.decided_by.get_full_name() or referral.decided_by.username
        raise ValidationError(
            _("%(name)s already decided on this recommendation on %(when)s.")
            % {"name": who, "when": timezone.localtime(referral.decided_at).strftime("%d/%m/%Y %H:%M")}
        )
    if referral.status != ReferralStatus.DRAFT:
        raise ValidationError(_("This referral was already sent."))
    if not decision_required():
        raise ValidationError(_("The office does not ask for the manager's decision: the draft can be sent as it is."))
    if referral.created_by_id == acting_user.pk:
        raise PermissionDenied("a manager does not decide on their own recommendation")
    if expected_version is not None and referral.version != expected_version:
        raise versioning.EditConflict(referral, expected_version)
    if decision == Decision.REJECTED and not note:
        raise ValidationError({"note": _("Write why the recommendation is not approved.")})
    referral.decision, referral.decision_note = decision, note
    referral.decided_by, referral.decided_at = acting_user, timezone.now()
    versioning.save(referral, update_fields=[*DECISION_FIELDS, "updated_at"])
    kind = ReferralEventKind.APPROVED if decision == Decision.APPROVED else ReferralEventKind.REJECTED
    record_event(referral, kind, acting_user, note=note)
    _tell_the_officer(referral, kind)
    return referral


def _tell_the_officer(referral, kind) -> None:
    """The officer who drafted the recommendation hears the decision (no personal data: the
    notice goes out by email too)."""
    officer = referral.created_by
    if officer is None or not scoping.restrict(Referral.objects.filter(pk=referral.pk), officer).exists():
        return
    with office_language():
        facts = {"pk": referral.pk, "service": referral.service.name, "agency": referral.agency.name}
        if kind == ReferralEventKind.APPROVED:
            title = _("Recommendation #%(pk)s approved: it can be sent") % facts
        else:
            title = _("Recommendation #%(pk)s not approved") % facts
        body = _("%(service)s at %(agency)s.") % facts
    decisions_so_far = referral.events.filter(kind__in=[ReferralEventKind.APPROVED, ReferralEventKind.REJECTED]).count()
    notify(
        [officer],
        about=referral,
        kind=KIND_DECIDED,
        level=decisions_so_far,
        title=title,
        body=body,
        url=referral.get_absolute_url(),
    )
