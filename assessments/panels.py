"""The latest assessment on the household and person pages (registered in apps.py, so the registry
does not import assessments)."""

from django.db.models import Q

from onegate import scoping

from .models import Assessment, NeedLevel
from .services import EDITABLE


def household_panel(user, household):
    return _panel(user, household, person=None)


def person_panel(user, person):
    if not person.household_id:
        return None
    return _panel(user, person.household, person=person)


def _panel(user, household, *, person):
    if not scoping.can(user, Assessment, scoping.VIEW):
        return None
    assessments = list(
        scoping.restrict(Assessment.objects.filter(household=household), user)
        .select_related("assessor", "verified_by")
        .order_by("-visited_on", "-pk")
    )
    latest = next((a for a in assessments if a.is_latest), None)
    needs = []
    if latest is not None:
        rows = latest.needs.filter(level__gte=NeedLevel.NEEDED).select_related("person")
        if person is not None:
            rows = rows.filter(Q(person__isnull=True) | Q(person=person))
        needs = sorted(rows, key=lambda n: (-n.level, n.domain, n.person_id is not None))
    return {
        "household": household,
        "person": person,
        "latest": latest,
        "needs": needs,
        "drafts": [a for a in assessments if a.status in EDITABLE],
        "earlier": [a for a in assessments if a is not latest and a.status not in EDITABLE],
        "can_add": scoping.can(user, Assessment, scoping.ADD),
    }
