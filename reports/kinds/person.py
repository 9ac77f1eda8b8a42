"""5. Person profile: one person's sheet (identity, household, disability, welfare, PPKS,
programmes, and the complaints and referrals the requester may see)."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint
from complaints.sla import SlaClock
from onegate import scoping
from referrals.models import Referral
from registry.models import WG_DOMAINS, Difficulty, Person, PersonPpks, ProgramReceipt
from registry.privacy import nik_for
from registry.selectors import people_visible_to

from ..models import ReportType
from .base import ReportKind, register


class PersonProfile(ReportKind):
    type = ReportType.PERSON_PROFILE
    template = "reports/pdf/person_profile.html"

    def can_request(self, user) -> bool:
        return scoping.can(user, Person)

    def check(self, report, scope) -> None:
        # A person outside the requester's scope does not exist for them (404).
        scoping.get_scoped_object(scope, Person.objects.filter(merged_into__isnull=True), pk=report.person_id)

    def title(self, report) -> str:
        return _("Person profile: %(name)s") % {"name": report.person.full_name}

    def parameters(self, report, scope):
        # The NIK as the requester may see it, as in the sheet's body (registry.privacy).
        nik = nik_for(scope, report.person.nik) or "—"
        return [(_("Person"), f"{report.person.full_name} · NIK {nik}")]

    def context(self, report, scope, progress):
        person = scoping.get_scoped_object(
            scope,
            Person.objects.select_related(
                "region__parent", "household__region", "disability__caregiver", "welfare"
            ).prefetch_related(
                Prefetch("ppks", queryset=PersonPpks.objects.select_related("category").order_by("category__code")),
                Prefetch("programs", queryset=ProgramReceipt.objects.order_by("-year", "program")),
            ),
            pk=report.person_id,
        )
        progress(0.3)
        today = timezone.localdate()
        context = {
            "person": person,
            "nik": nik_for(scope, person.nik),  # whole or masked, as the requester may see it
            "kk_number": nik_for(scope, person.household.kk_number if person.household_id else ""),
            "age": _age(person.birth_date, today),
            "members": _members(person, scope, today),
            "wg": _wg_answers(person),
            "complaints": None,
            "referrals": None,
        }
        if scoping.can(scope, Complaint):
            clock = SlaClock.now(today)
            complaints = scoping.restrict(Complaint.objects.filter(subject=person), scope).select_related(
                "category__parent"
            )
            context["complaints"] = [(c, clock.state(c)) for c in complaints.order_by("-received_at")[:50]]
        if scoping.can(scope, Referral):
            referrals = scoping.restrict(Referral.objects.filter(person=person), scope).select_related(
                "agency", "service"
            )
            context["referrals"] = list(referrals.order_by("-created_at")[:50])
        return context


def _age(born, today) -> int | None:
    if not born:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _members(person, scope, today) -> list[tuple]:
    if not person.household_id:
        return []
    members = people_visible_to(scope).filter(household_id=person.household_id)
    return [(m, _age(m.birth_date, today)) for m in members.order_by("birth_date", "pk")]


def _wg_answers(person) -> list[tuple[str, str]]:
    profile = getattr(person, "disability", None)
    if profile is None:
        return []
    answers = []
    for field, label in WG_DOMAINS.items():
        value = getattr(profile, field)
        if value:
            answers.append((label, Difficulty(value).label))
    return answers


register(PersonProfile())
