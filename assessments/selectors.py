"""Reads of assessed needs that other capabilities use (service matching, unserved lists)."""

from collections.abc import Collection

from django.db.models import Exists, OuterRef, Q

from .models import AssessmentNeed, NeedLevel


def latest_needs():
    """Needs recorded in each household's latest submitted assessment."""
    return AssessmentNeed.objects.filter(assessment__is_latest=True)


def has_need_q(domains: Collection[str], min_level: int = NeedLevel.NEEDED, person_ref: str = "pk") -> Q:
    """A filter on Person: the latest assessment of the person's household records a need in one of
    ``domains`` at ``min_level`` or above, for the whole household or for this person."""
    needs = (
        latest_needs()
        .filter(assessment__household=OuterRef("household"), domain__in=list(domains), level__gte=min_level)
        .filter(Q(person__isnull=True) | Q(person=OuterRef(person_ref)))
    )
    return Q(Exists(needs))


PREFETCHED_NEEDS = "_prefetched_needs"


def needs_of_person(person) -> dict[str, int]:
    """The person's needs by domain from their household's latest assessment (the higher of the
    household's and their own level), only domains with a need. Read once per person object after
    :func:`prefetch_needs` (a page checking many services' criteria)."""
    if (known := getattr(person, PREFETCHED_NEEDS, None)) is not None:
        return known
    if not person.household_id:
        return {}
    levels: dict[str, int] = {}
    rows = latest_needs().filter(assessment__household_id=person.household_id, level__gt=NeedLevel.NONE)
    for domain, level in rows.filter(Q(person__isnull=True) | Q(person=person)).values_list("domain", "level"):
        levels[domain] = max(level, levels.get(domain, 0))
    return levels


def prefetch_needs(person) -> None:
    """Read ``person``'s needs now; :func:`needs_of_person` then answers from this object."""
    setattr(person, PREFETCHED_NEEDS, None)
    setattr(person, PREFETCHED_NEEDS, needs_of_person(person))
