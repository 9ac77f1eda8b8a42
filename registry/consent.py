"""A person's consent to share their personal data with the agencies they are referred to
(UU 27/2022: the data subject may withdraw consent, Pasal 9; the controller then stops processing
on it, Pasal 40).

Each decision (withdrawn, given again) is a row with who expressed it, how, when and a note; the
latest one is in force. The disclosure rule (referrals.disclosure) reads :func:`withdrawals` and
:func:`current_decision`: while consent is withdrawn no referral discloses more than the minimum,
and a referral consented before a withdrawal never discloses more again."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onegate import scoping

from .models import ConsentDecision, ConsentDecisionKind, Person

RECORD = "consent"  # the scoping action: recording a person's decision
TEXT_FIELDS = ("decided_by", "decider", "method", "note")


def decisions(person) -> list[ConsentDecision]:
    """The person's decisions, latest first."""
    return list(
        ConsentDecision.objects.filter(person=person).select_related("recorded_by").order_by("-decided_at", "-pk")
    )


def current_decision(person) -> ConsentDecision | None:
    return ConsentDecision.objects.filter(person=person).order_by("-decided_at", "-pk").first()


def is_withdrawn(person) -> bool:
    decision = current_decision(person)
    return decision is not None and decision.is_withdrawal


def withdrawal_in_force_since(person, moment: datetime.datetime | None) -> ConsentDecision | None:
    """The withdrawal that voids a consent given at ``moment``: the withdrawal in force now, or
    any withdrawal made after that moment (consent given again later does not revive an older
    referral's consent: the person agreed again for what comes next)."""
    rows = list(ConsentDecision.objects.filter(person=person).order_by("-decided_at", "-pk"))
    if not rows:
        return None
    if rows[0].is_withdrawal:
        return rows[0]
    if moment is None:
        return None
    return next((row for row in rows if row.is_withdrawal and row.decided_at > moment), None)


@transaction.atomic
def record_decision(person: Person, *, kind: str, data: dict, acting_user) -> ConsentDecision:
    """Record that consent was withdrawn or given again. Refuses to record the state already in
    force, and a decision in the future or before the last one (the history reads in order)."""
    scoping.ensure_allowed(acting_user, person, RECORD)
    person = Person.objects.select_for_update().get(pk=person.pk)
    last = current_decision(person)
    currently_withdrawn = last is not None and last.is_withdrawal
    if kind == ConsentDecisionKind.WITHDRAWN and currently_withdrawn:
        raise ValidationError(_("Consent is already withdrawn."))
    if kind == ConsentDecisionKind.GIVEN and not currently_withdrawn:
        raise ValidationError(_("Consent is not withdrawn: there is nothing to give again."))
    decided_at = data.get("decided_at")
    if decided_at and decided_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"decided_at": _("A decision cannot be in the future.")})
    if decided_at and last is not None and decided_at < last.decided_at:
        raise ValidationError(
            {
                "decided_at": _("The last decision was on %(when)s; this one cannot be earlier.")
                % {"when": timezone.localtime(last.decided_at).strftime("%d/%m/%Y %H:%M")}
            }
        )
    decision = ConsentDecision(
        person=person,
        kind=kind,
        decided_at=decided_at,
        recorded_by=acting_user,
        **{field: data.get(field) or "" for field in TEXT_FIELDS},
    )
    decision.full_clean(exclude=["recorded_by"])
    decision.save()
    return decision
