"""Eligible but unserved (/rujukan/kelayakan/): for each active service whose criteria say who it is
for, the people in the user's scope who are eligible, receiving it, referred to it, and **unserved**
(eligible, neither receiving nor referred: referrals.matching), and the list of the unserved.

Decisions (docs/unserved.md):
- A service is listed when its criteria set at least one criterion: empty criteria mean "anyone",
  and a list of every living resident is no list of candidates.
- Receiving and referred are counted among the eligible, so eligible = unserved + the others.
- The index's counts come from UnservedCount (per kelurahan, refreshed by beat, after referral
  writes and on a manager's request, with the time they were counted); the per-service list is
  live and paged with LIMIT.
- "Urgency" is the highest level of the person's needs (their household's latest assessment, the
  household's or their own) in the service's matching domains: the criteria's need domains, or
  else the domains of the service's category (CATEGORY_NEEDS). Urgent before needed before none.
- A national programme's list (Service.program one of NATIONAL_PROGRAMS: PKH, BPNT, PBI-JK,
  ATENSI) is a list of proposals (usulan) upward: its export has the DTSEN proposal's columns.
- Who: kelurahan officers (their kelurahan) and managers (their region), the roles that see whole
  NIKs and export the registry (registry.privacy). Front desk, agencies and administrators: 403.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import BooleanField, Count, Exists, F, Func, IntegerField, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import NeedDomain, NeedLevel
from assessments.selectors import PREFETCHED_NEEDS, has_need_q, latest_needs
from onegate import reference_cache, scoping
from onegate.pagination import COUNT_CAP
from registry.models import Person, Program, WelfareProfile
from registry.selectors import people_visible_to

from .eligibility import evaluate, sets_criteria, shown_reasons
from .matching import eligible_for_q, receiving_q, referred_q, unserved_q
from .models import Service, ServiceCategory, ServiceStatus, UnservedCount

NATIONAL_PROGRAMS = frozenset({Program.PKH, Program.BPNT, Program.PBI_JK, Program.ATENSI})
CATEGORY_NEEDS = {
    ServiceCategory.HEALTH: [NeedDomain.HEALTH],
    ServiceCategory.EDUCATION: [NeedDomain.EDUCATION],
    ServiceCategory.CIVIL_REGISTRY: [NeedDomain.CIVIL_DOCUMENTS],
    ServiceCategory.SOCIAL_ASSISTANCE: [NeedDomain.FOOD, NeedDomain.ECONOMY],
    ServiceCategory.REHABILITATION: [NeedDomain.DISABILITY, NeedDomain.PROTECTION],
    ServiceCategory.DISABILITY: [NeedDomain.DISABILITY],
    ServiceCategory.PROTECTION: [NeedDomain.PROTECTION, NeedDomain.LEGAL],
    ServiceCategory.LIVELIHOOD: [NeedDomain.ECONOMY],
    ServiceCategory.HOUSING: [NeedDomain.HOUSING],
    ServiceCategory.OTHER: [NeedDomain.OTHER],
}
BY_DECILE, BY_URGENCY = "desil", "urgensi"
ORDERS = [(BY_DECILE, _("Decile (poorest first)")), (BY_URGENCY, _("Urgency of the need"))]


# --- Who may look ---------------------------------------------------------------------------------
def ensure_can_view(user) -> None:
    scoping.ensure_can(user, UnservedCount, scoping.VIEW)


def can_refresh(user) -> bool:
    return scoping.can(user, UnservedCount, "refresh")


# --- The services listed --------------------------------------------------------------------------
def has_criteria(service) -> bool:
    return sets_criteria(getattr(service, "criteria", None))


def listed_services() -> list[Service]:
    """Active services whose criteria set something, by agency and name. Kept in process memory like
    the matching's directory (onegate.reference_cache: an edit of a service, its criteria or agency
    empties it at once in this process, in the others within its TTL); the people stay live."""
    return reference_cache.cached("unserved:listed-services", _load_listed_services)


def _load_listed_services() -> list[Service]:
    services = (
        Service.objects.filter(status=ServiceStatus.ACTIVE, agency__is_active=True, criteria__isnull=False)
        .select_related("agency", "criteria", "criteria__area")
        .prefetch_related("criteria__ppks_categories")
        .order_by("agency__name", "name")
    )
    return [s for s in services if has_criteria(s)]


def listed_service(pk: int) -> Service:
    """One listed service (404 for any other: inactive, without criteria, unknown)."""
    from django.http import Http404

    for service in listed_services():
        if service.pk == int(pk):
            return service
    raise Http404("no list for this service")


def is_proposal_list(service) -> bool:
    return service.program in NATIONAL_PROGRAMS


def need_domains(service) -> list[str]:
    criteria = getattr(service, "criteria", None)
    if criteria is not None and criteria.need_domains:
        return list(criteria.need_domains)
    return [str(d) for d in CATEGORY_NEEDS.get(service.category, [])]


# --- The counts ---------------------------------------------------------------------------------------
@dataclass
class ServiceCounts:
    service: Service
    eligible: int | None = None
    receiving: int | None = None
    referred: int | None = None
    unserved: int | None = None
    counted_at: datetime.datetime | None = None


def count_people(people, service, today: datetime.date) -> dict[str, dict[str, int]]:
    """Per kelurahan of ``people``: the eligible, receiving, referred and unserved counts."""
    receiving, referred = receiving_q(service, today), referred_q(service)
    rows = (
        people.filter(eligible_for_q(service, today))
        .order_by()
        .values("region_id")
        .annotate(
            eligible=Count("pk"),
            receiving=Count("pk", filter=receiving),
            referred=Count("pk", filter=referred),
            unserved=Count("pk", filter=~receiving & ~referred),
        )
    )
    return {row.pop("region_id"): row for row in rows}


def refresh_counts(service_ids=None, *, today: datetime.date | None = None) -> int:
    """Count again (every listed service, or those of ``service_ids``); returns the services counted."""
    today = today or timezone.localdate()
    services = [s for s in listed_services() if service_ids is None or s.pk in set(service_ids)]
    for service in services:
        counted_at = timezone.now()
        by_region = count_people(Person.objects.all(), service, today)
        by_region.pop(None, None)
        if not by_region:  # nobody eligible anywhere: a row of zeros still says when it was counted
            by_region = {service.area_id: {"eligible": 0, "receiving": 0, "referred": 0, "unserved": 0}}
        with transaction.atomic():
            UnservedCount.objects.filter(service=service).delete()
            UnservedCount.objects.bulk_create(
                UnservedCount(service=service, region_id=region, counted_at=counted_at, **counts)
                for region, counts in by_region.items()
            )
    if service_ids is None:  # a service that left the list keeps no stale counts
        UnservedCount.objects.exclude(service__in=[s.pk for s in services]).delete()
    return len(services)


def service_counts(user) -> list[ServiceCounts]:
    """Each listed service with the counts of the user's scope (None where never counted)."""
    ensure_can_view(user)
    services = listed_services()
    sums = (
        scoping.restrict(UnservedCount.objects.all(), user)
        .values("service_id")
        .annotate(
            eligible=Sum("eligible"),
            receiving=Sum("receiving"),
            referred=Sum("referred"),
            unserved=Sum("unserved"),
        )
        .order_by()
    )
    by_service = {row.pop("service_id"): row for row in sums}
    # When each service was counted (whole services are counted at once).
    counted = dict(
        UnservedCount.objects.values("service_id").annotate(at=Max("counted_at")).values_list("service_id", "at")
    )
    result = []
    for service in services:
        row = by_service.get(service.pk)
        if row is None and service.pk in counted:  # counted, nobody in this scope
            row = {"eligible": 0, "receiving": 0, "referred": 0, "unserved": 0}
        result.append(ServiceCounts(service, **(row or {}), counted_at=counted.get(service.pk)))
    return result


# --- The list of one service's unserved people --------------------------------------------------
def unserved_people(
    user,
    service,
    *,
    today: datetime.date | None = None,
    region: str | None = None,
    action="view",
    need_hint: bool = True,
):
    """The unserved people of ``service`` the user may see (optionally of one kelurahan), unordered.

    ``need_hint=False``: the same people without the hint below, for a page read by walking the
    (decile, person) index (``ordered``'s ``walk_from``)."""
    ensure_can_view(user)
    today = today or timezone.localdate()
    people = people_visible_to(user, action).filter(unserved_q(service, today))
    if region:
        people = people.filter(region_id=region)
    return with_need_hint(people, service) if need_hint else people


def with_need_hint(people, service):
    """``people`` (unserved_people(need_hint=False)) with the hint of a service whose criteria ask
    for a need: implied by the criteria's need filter, written so that PostgreSQL starts from the
    few assessed households instead of checking the need of every person of the area."""
    if service.criteria.need_domains:
        return people.filter(_in_need(service.criteria.need_domains))
    return people


class _AnyOf(Func):
    """``column = ANY(ARRAY(subquery))``: the subquery runs once and the column's index is read for
    its values (for ``IN (subquery)`` PostgreSQL may hash the whole table instead)."""

    arg_joiner = " = ANY(ARRAY("
    template = "(%(expressions)s)))"
    output_field = BooleanField()


def _in_need(domains, min_level: int = NeedLevel.NEEDED) -> _AnyOf:
    """People whose household's latest assessment records a need in ``domains`` at ``min_level`` or
    above (for the household or a member): implied by has_need_q, and cheap to read first."""
    households = latest_needs().filter(domain__in=list(domains), level__gte=min_level)
    return _AnyOf(F("household_id"), Subquery(households.values("assessment__household_id")))


def urgency_of(service, person_ref: str = "pk"):
    """An annotation: the highest level of the person's needs in the service's domains (0: none)."""
    domains = need_domains(service)
    needs = (
        latest_needs()
        .filter(assessment__household=OuterRef("household"), domain__in=domains)
        .filter(Q(person__isnull=True) | Q(person=OuterRef(person_ref)))
        .order_by()
        .values("assessment__household")
        .annotate(top=Max("level"))
        .values("top")
    )
    return Coalesce(Subquery(needs, output_field=IntegerField()), 0)


# How many people a list holds is remembered for COUNT_SECONDS: counting them again costs tens to
# hundreds of milliseconds at a province's scale. A referral to the service sent or finished
# forgets it at once (counts_generation), so the count follows the rows the office changes; a
# change in the registry (a new decile) shows in the count within COUNT_SECONDS, in the rows at once.
COUNT_SECONDS = 300


def counts_generation(service_id: int) -> int:
    return cache.get(f"unserved-generation:{service_id}", 0)


def forget_counts(service_id: int) -> None:
    """A referral to the service was sent or finished: its lists are counted again."""
    try:
        cache.incr(f"unserved-generation:{service_id}")
    except ValueError:  # not there yet
        cache.set(f"unserved-generation:{service_id}", 1, None)


# A page of a part may be read by walking the (decile, person) index of welfare profiles with every
# check made row by row (``walk_from``: the part without the need hint), instead of checking every
# member of the hint's assessed households (20,000-30,000 people at 1M): cheaper when the part is
# dense, i.e. when the walk is expected to read at most WALK_ROWS_MAX profiles to reach the page's
# end (about: the page's end x the profiles / the part's count).
WALK_ROWS_MAX = 5000


def _people_with_decile() -> int:
    """About how many welfare profiles the walk may read (PostgreSQL's statistics, kept a while)."""
    from django.db import connection

    def estimate() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [WelfareProfile._meta.db_table])
            row = cursor.fetchone()
        return max(int(row[0]), 0) if row else 0

    return reference_cache.cached("unserved:people-with-decile", estimate)


class Chained:
    """Querysets read one after the other as one list, sliced and counted (up to COUNT_CAP) like the
    lists of onegate.pagination; the count is remembered (COUNT_SECONDS, counts_generation).

    The orders of these lists are built from parts an index can give in order, because ordering
    hundreds of thousands of eligible people to keep 25 takes a second: people with a decile in the
    order of the (decile, person) index of welfare profiles, then those without one by id; for
    urgency, first those with an urgent need in the service's domains, then those with a need (each
    by decile), then the others.

    ``walks``: for each part, the same rows without the need hint (or None), read instead of the
    part when it is dense enough for the walk to be the cheaper read (WALK_ROWS_MAX)."""

    def __init__(self, parts, service_id: int, walks=None, max_decile: int | None = None):
        self.parts = parts
        self.max_decile = max_decile
        self.walks = walks or [None] * len(parts)
        self.service_id = service_id
        self.count_cap = COUNT_CAP
        self._counts: list[int] | None = None

    def _capped_counts(self) -> list[int]:
        if self._counts is None:
            sql = "\n".join(str(p.query) for p in self.parts)
            generation = counts_generation(self.service_id)
            key = f"unserved-count:{self.service_id}:{generation}:" + hashlib.sha256(sql.encode()).hexdigest()
            counts = cache.get(key)
            if counts is None:
                counts, left = [], self.count_cap + 1
                for part in self.parts:
                    n = part.order_by().values("pk")[:left].count() if left > 0 else 0
                    counts.append(n)
                    left -= n
                cache.set(key, counts, COUNT_SECONDS)
            self._counts = counts
        return self._counts

    def __len__(self) -> int:
        return sum(self._capped_counts())

    def count(self) -> int:
        return len(self)

    def _reader(self, i: int, n: int, stop: int):
        walk = self.walks[i]
        # The walk reads the profiles of deciles 1 to max_decile only (deciles are tenths).
        profiles = _people_with_decile() * min(self.max_decile or 10, 10) // 10
        if walk is not None and n and stop * profiles <= n * WALK_ROWS_MAX:
            return walk
        return self.parts[i]

    def __getitem__(self, k):
        if not isinstance(k, slice):
            return self[k : k + 1][0]
        start, stop = k.start or 0, k.stop
        rows, offset = [], 0
        for i, n in enumerate(self._capped_counts()):
            if stop <= offset:
                break
            if start < offset + n:
                first, last = max(start - offset, 0), min(stop, offset + n) - offset
                rows += list(self._reader(i, n, last)[first:last])
            offset += n
        return rows

    def iterator(self, chunk_size=2000):
        for part in self.parts:
            yield from part.iterator(chunk_size=chunk_size)


def _by_decile(people, service) -> list:
    with_decile = people.filter(welfare__decile__isnull=False).order_by("welfare__decile", "welfare__person")
    if service.criteria.max_decile is not None:  # nobody without a decile is eligible
        return [with_decile]
    without = people.exclude(Exists(WelfareProfile.objects.filter(person=OuterRef("pk"), decile__isnull=False)))
    return [with_decile, without.order_by("pk")]


def ordered(people, service, order: str, *, walk_from=None) -> Chained:
    """The list in the order asked for (module docstring: urgency). ``walk_from``: the same people
    without the need hint (unserved_people(need_hint=False)), for dense pages by decile and for the
    urgent (whose hint is their own: two hints make PostgreSQL compare the two lists of households)."""
    domains = need_domains(service)
    by_decile = (F("welfare__decile").asc(nulls_last=True), "pk")
    if order != BY_URGENCY or not domains:
        parts, walks = _by_decile(people, service), None
        if walk_from is not None and service.criteria.need_domains:  # (the walk is the decile index's)
            walks = [_by_decile(walk_from, service)[0]] + [None] * (len(parts) - 1)
        return Chained(parts, service.pk, walks, max_decile=service.criteria.max_decile)
    # Urgency has two levels: the urgent (few: their need is read first), then the needed, each by
    # decile; sorting every person with a need by urgency to keep 25 cost a third of a second.
    urgent = has_need_q(domains, NeedLevel.URGENT)
    if service.criteria.need_domains:  # everyone listed has such a need
        first = (walk_from if walk_from is not None else people).filter(_in_need(domains, NeedLevel.URGENT))
        first = first.filter(urgent)
        return Chained([first.order_by(*by_decile), people.exclude(urgent).order_by(*by_decile)], service.pk)
    first = people.filter(_in_need(domains, NeedLevel.URGENT)).filter(urgent)
    with_need = has_need_q(domains, NeedLevel.NEEDED)
    needed = people.filter(_in_need(domains)).filter(with_need).exclude(urgent)
    return Chained(
        [first.order_by(*by_decile), needed.order_by(*by_decile), *_by_decile(people.filter(~with_need), service)],
        service.pk,
    )


def page_rows(people: list, service, today: datetime.date) -> list[dict]:
    """What each row of a page shows: the person, their need's urgency and the reasons (each
    criterion set, with the person's value), read with a few queries for the whole page."""
    from django.db.models import Prefetch

    from registry.models import PersonPpks, ProgramReceipt

    pks = [p.pk for p in people]
    criteria = service.criteria
    # Only what the criteria set read (evaluate checks nothing else): each prefetch is a query and
    # a queryset per person.
    prefetches = []
    if criteria.ppks_categories.all():
        prefetches.append(Prefetch("ppks", queryset=PersonPpks.objects.select_related("category")))
    if criteria.not_receiving_program:
        prefetches.append(Prefetch("programs", queryset=ProgramReceipt.objects.all()))
    loaded = {
        p.pk: p
        for p in Person.objects.filter(pk__in=pks)
        .select_related("region", "welfare", "disability", "household")
        .prefetch_related(*prefetches)
    }
    # Every person's needs (their household's latest assessment) in one read, for the reasons
    # (eligibility reads them through needs_of_person) and the urgency.
    needs = latest_needs().filter(
        assessment__household_id__in={p.household_id for p in loaded.values() if p.household_id},
        level__gt=NeedLevel.NONE,
    )
    by_household: dict[int, list] = {}
    for household, member, domain, level in needs.values_list(
        "assessment__household_id", "person_id", "domain", "level"
    ):
        by_household.setdefault(household, []).append((member, domain, level))
    domains = set(need_domains(service))
    for person in loaded.values():
        levels: dict[str, int] = {}
        for member, domain, level in by_household.get(person.household_id, []):
            if member is None or member == person.pk:
                levels[domain] = max(level, levels.get(domain, 0))
        setattr(person, PREFETCHED_NEEDS, levels)
        person.urgency = max((level for domain, level in levels.items() if domain in domains), default=0)
    rows = []
    for person in people:
        full = loaded[person.pk]
        reasons = [f"{label}: {value}" for label, value in shown_reasons(evaluate(criteria, full, today))]
        rows.append({"person": full, "urgency": full.urgency, "reasons": reasons, "decile": _decile(full)})
    return rows


def _decile(person):
    # hasattr: a missing profile (reverse one-to-one) raises an AttributeError subclass.
    return person.welfare.decile if hasattr(person, "welfare") else None


URGENCY_LABELS = {NeedLevel.URGENT: _("Urgent"), NeedLevel.NEEDED: _("Needed")}
