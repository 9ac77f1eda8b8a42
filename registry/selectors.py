"""Reads of the registry: who a user may see, finding someone by NIK or name the way the registry's
own list does (registry.search), and what waits in the verification queue."""

from dataclasses import dataclass

from django.db.models import Case, Count, OuterRef, Subquery, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from onegate import scoping

from .models import Household, Person, Relationship, SelfReport, SelfReportStatus, VerificationStatus
from .search import people_named

NIK_DIGITS = 16
MIN_NAME_LETTERS = 3


def people_visible_to(user, action: str = scoping.VIEW):
    """People ``user`` may see (or act on), merged-away records left out."""
    return scoping.restrict(Person.objects.filter(merged_into__isnull=True), user, action)


def people_matching(user, text: str, *, limit: int = 10) -> list[Person]:
    """Up to ``limit`` people ``user`` may see whose NIK is ``text`` (16 digits, spaces allowed) or
    whose name matches it as the registry's search does (a letter off, a family name alone), best
    first. Shorter text finds nobody: a desk lookup is typed, not browsed."""
    text = text.strip()
    digits = text.replace(" ", "")
    people = people_visible_to(user).select_related("region")
    if digits.isdigit():
        return list(people.filter(nik=digits)[:limit]) if len(digits) == NIK_DIGITS else []
    if len(text) < MIN_NAME_LETTERS:
        return []
    # Every word some name has, not only the common ones: a rare family name typed a letter off.
    return list(people_named(people, text, widen=True)[:limit])


# --- The verification queue ----------------------------------------------------------------------
HOUSEHOLDS, PEOPLE, SELF_REPORTS = "keluarga", "orang", "laporan"
MINE, OTHERS = "mine", "others"


@dataclass(frozen=True)
class QueueTab:
    """One tab of the verification queue: records in some statuses, in the order they are worked on."""

    key: str
    label: str
    statuses: tuple[str, ...]
    order: tuple


def queue_tabs(user) -> list[QueueTab]:
    """The viewer's tabs, theirs first: a manager decides on submitted records (the oldest first)
    while the kelurahan prepares the others; an officer fixes rejected records and completes drafts
    (rejected first) while the submitted ones wait for the manager."""
    S = VerificationStatus
    oldest_first = ("updated_at", "pk")
    rejected_first = (Case(When(status=S.REJECTED, then=0), default=1), "updated_at", "pk")
    waiting = QueueTab(MINE, _("To verify"), (S.SUBMITTED,), oldest_first)
    preparing = QueueTab(OTHERS, _("Being prepared at the kelurahan"), (S.REJECTED, S.DRAFT), rejected_first)
    if scoping.can(user, Household, "verify"):
        return [waiting, preparing]
    return [
        QueueTab(MINE, _("To complete and submit"), (S.REJECTED, S.DRAFT), rejected_first),
        QueueTab(OTHERS, _("Awaiting the manager"), (S.SUBMITTED,), oldest_first),
    ]


def queue_households(user, tab: QueueTab, region: str | None = None):
    """Households in ``tab`` within the user's scope (and the kelurahan ``region``), with their head's
    name and their number of members."""
    heads = people_visible_to(user).filter(household=OuterRef("pk"), relationship=Relationship.HEAD).order_by("pk")
    members = (
        Person.objects.filter(household=OuterRef("pk"), merged_into__isnull=True)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
    )
    households = (
        scoping.restrict(Household.objects.select_related("region"), user)
        .filter(status__in=tab.statuses)
        .annotate(head_name=Subquery(heads.values("full_name")[:1]))
        .annotate(member_count=Coalesce(Subquery(members.values("n")), 0))
    )
    return _in_region(households, region).order_by(*tab.order)


def queue_people(user, tab: QueueTab, region: str | None = None):
    """People without a household in ``tab`` (a household's members go with it)."""
    people = people_visible_to(user).filter(household__isnull=True, status__in=tab.statuses).select_related("region")
    return _in_region(people, region).order_by(*tab.order)


def queue_self_reports(user, region: str | None = None):
    """Self-reports waiting to be checked, the oldest first: they await whoever may process them."""
    reports = scoping.restrict(SelfReport.objects.select_related("region"), user).filter(status=SelfReportStatus.NEW)
    return _in_region(reports, region).order_by("created_at", "pk")


def _in_region(queryset, region: str | None):
    return queryset.filter(region_id=region) if region else queryset


def records_for_decision(user, kind: str, pks, action: str) -> list:
    """The households or people ``pks`` for a bulk decision: the role must be allowed ``action``
    (PermissionDenied) and every one must be in the user's scope (OutOfScope, as for one record)."""
    model = Household if kind == HOUSEHOLDS else Person
    scoping.ensure_can(user, model, action)
    wanted = set(pks)
    records = list(scoping.restrict(model.objects.filter(pk__in=wanted), user, action).order_by("pk"))
    if len(records) != len(wanted):
        raise scoping.OutOfScope(f"{model.__name__} {sorted(wanted)} are not all visible to this user")
    return records
