"""Eligible but unserved (/rujukan/kelayakan/): for each active service whose criteria say who it is
for, the people in the user's scope who are eligible, receiving it, referred to it, and **unserved**
(eligible, neither receiving nor referred: referrals.matching), and the list of the unserved.

Decisions (docs/unserved.md):
- A service is listed when its criteria set at least one criterion: empty criteria mean "anyone",
  and a list of every living resident is no list of candidates.
- Receiving and referred are counted among the eligible, so eligible = unserved + the others.
- The index's counts come from UnservedCount (per kelurahan, refreshed by beat, after referral
  writes and on a manager's request, with the time they were counted). A service's list reads
  UnservedCandidate, made with the counts and brought up to date from the audit trail on every
  read, each page's rows checked again as they are shown: current without checking a province's
  people per page.
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
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import NeedDomain, NeedLevel
from assessments.selectors import PREFETCHED_NEEDS, latest_needs
from onegate import reference_cache, scoping
from registry.models import Person, Program
from registry.selectors import people_visible_to

from .eligibility import sets_criteria, shown_reasons
from .matching import eligible_for_q, eligible_rows, receiving_q, referred_q, unserved_q
from .models import Service, ServiceCategory, ServiceStatus, UnservedCandidate, UnservedCount, UnservedListState

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
    """Count again (every listed service, or those of ``service_ids``); returns the services counted.
    Counting every service (beat, every hour) also makes each list's candidates whole."""
    today = today or timezone.localdate()
    services = [s for s in listed_services() if service_ids is None or s.pk in set(service_ids)]
    for service in services:
        if service_ids is None:
            rebuild(service, today)
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
    if service_ids is None:  # a service that left the list keeps no stale counts nor candidates
        UnservedCount.objects.exclude(service__in=[s.pk for s in services]).delete()
        UnservedListState.objects.exclude(service__in=[s.pk for s in services]).delete()
        UnservedCandidate.objects.exclude(service__in=[s.pk for s in services]).delete()
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


# --- The candidates: each service's unserved people, kept in a table --------------------------
# Checking a province's people for a service's criteria, referrals and receipts takes a second;
# a page of the list must take milliseconds. So each service's unserved people are written to
# UnservedCandidate (with their kelurahan, decile and urgency: what the list filters and sorts by)
# when the counts are made, and every read first brings the table up to date from the audit trail:
# the people whose records, profiles, household, assessments or referrals changed since are checked
# again (catch_up). A page's rows are checked again as they are loaded (page_rows), which also
# catches what the trail cannot say (a birthday that ends an age range, a new year).
CATCH_UP_MARGIN = datetime.timedelta(minutes=2)  # a change committed that long after it was stamped
CATCH_UP_MAX = 5000  # more people changed than this (an import): the list is made whole by a worker
CATCH_UP_ENTRIES = 4 * CATCH_UP_MAX  # (or more entries written than this)
_LOCK_CLASS = 1818  # pg_advisory_xact_lock(1818, service): one writer of a service's candidates


def _lock(service_id: int, *, wait: bool) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, service_id])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, service_id])
        return cursor.fetchone()[0]


def criteria_key(service) -> str:
    """What the candidates were chosen by: the criteria, the area, the programme and the category (the
    need domains of urgency). A different key (an administrator's edit) makes the list whole again."""
    criteria = service.criteria
    values = {f.attname: getattr(criteria, f.attname) for f in criteria._meta.concrete_fields}
    values["ppks"] = sorted(c.pk for c in criteria.ppks_categories.all())
    values["service"] = (service.area_id, service.program, service.category)
    return hashlib.sha256(repr(sorted(values.items())).encode()).hexdigest()


def _execute(sql: str, params) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _write_candidates(service, people, today: datetime.date, person_ids=None) -> None:
    """Make the service's candidates among ``people`` (a Person queryset; ``person_ids``: the ids it
    is limited to, or None for the whole registry) what the definition says now. Only what differs
    is written: people no longer unserved go, new ones come, a changed kelurahan, decile or urgency
    is updated, and the others are left alone, so that making a list whole every hour neither
    rewrites it nor bloats its indexes."""
    fresh = people.filter(unserved_q(service, today)).order_by().values_list("pk", "region_id", "welfare__decile")
    sql, params = fresh.query.sql_with_params()
    table = UnservedCandidate._meta.db_table
    with transaction.atomic():
        _execute(
            "CREATE TEMP TABLE unserved_fresh ON COMMIT DROP AS SELECT DISTINCT ON (q.person_id) q.*, 0 AS urgency "
            f"FROM ({sql}) AS q(person_id, region_id, decile)",
            params,
        )
        domains = need_domains(service)
        if domains:  # the urgency of the few whose household's latest assessment records a need there
            assessed = people.filter(_in_need(domains)).annotate(top=urgency_of(service)).filter(top__gt=0)
            sql, params = assessed.order_by().values_list("pk", "top").query.sql_with_params()
            _execute(
                f"UPDATE unserved_fresh AS f SET urgency = u.top FROM ({sql}) AS u(person_id, top) "
                "WHERE f.person_id = u.person_id",
                params,
            )
        if person_ids is None:
            _execute("ANALYZE unserved_fresh", [])
        limited = "" if person_ids is None else "AND c.person_id = ANY(%s::bigint[])"
        _execute(
            f"DELETE FROM {table} AS c WHERE c.service_id = %s {limited} "
            "AND NOT EXISTS (SELECT 1 FROM unserved_fresh AS f WHERE f.person_id = c.person_id)",
            [service.pk] + ([] if person_ids is None else [list(person_ids)]),
        )
        _execute(
            f"INSERT INTO {table} AS c (service_id, person_id, region_id, decile, urgency) "
            "SELECT %s, person_id, region_id, decile, urgency FROM unserved_fresh "
            "ON CONFLICT (service_id, person_id) DO UPDATE "
            "SET region_id = EXCLUDED.region_id, decile = EXCLUDED.decile, urgency = EXCLUDED.urgency "
            "WHERE (c.region_id, c.decile, c.urgency) IS DISTINCT FROM "
            "(EXCLUDED.region_id, EXCLUDED.decile, EXCLUDED.urgency)",
            [service.pk],
        )
        _execute("DROP TABLE unserved_fresh", [])


def _registry():
    return Person.objects.filter(merged_into__isnull=True)


def rebuild(service, today: datetime.date | None = None) -> None:
    """Make the service's candidates whole: every unserved person of the registry."""
    today = today or timezone.localdate()
    asked = timezone.now()
    with transaction.atomic():
        _lock(service.pk, wait=True)
        done = UnservedListState.objects.filter(
            service=service, built_at__gte=asked, built_on=today, criteria_key=criteria_key(service)
        )
        if done.exists():  # made whole by another request or worker while this one waited
            return
        started = timezone.now()  # what changes after this the next read catches up
        # Entries committed by now are in the list written next: the next read skips them.
        seen = [e[0] for e in _entries_since(started - CATCH_UP_MARGIN)][:CATCH_UP_ENTRIES]
        _write_candidates(service, _registry(), today)
        UnservedListState.objects.update_or_create(
            service=service,
            defaults={
                "built_at": started,
                "built_on": today,
                "caught_up_at": started,
                "seen_entries": seen,
                "criteria_key": criteria_key(service),
            },
        )


def refresh_people(service, person_ids, today: datetime.date | None = None) -> None:
    """Check these people again for the service: each is a candidate after it if unserved now. The
    caller holds the service's lock (_lock)."""
    today = today or timezone.localdate()
    ids = list(person_ids)
    _write_candidates(service, _registry().filter(pk__in=ids), today, person_ids=ids)


def _entries_since(since: datetime.datetime) -> list[tuple]:
    """The audit trail's writes after ``since`` (at most CATCH_UP_ENTRIES + 1): id, time, kind,
    object, and the kind and id of the record it is about."""
    from onegate.audit import entry_model

    entry = entry_model()
    return list(
        entry.objects.filter(timestamp__gt=since, action__lt=entry.Action.ACCESS)
        .order_by()
        .values_list("pk", "timestamp", "content_type_id", "object_pk", "about_type_id", "about_id")[
            : CATCH_UP_ENTRIES + 1
        ]
    )


def changed_people(entries) -> set[int] | None:
    """The people whose records the trail's ``entries`` (_entries_since) changed: their own record
    and profiles, their household (its record, assessments and needs: every member), their
    referrals. None: more than CATCH_UP_MAX, or an import was written (a whole new list is cheaper)."""
    from django.contrib.contenttypes.models import ContentType

    from registry.models import Household, ImportBatch

    from .models import Referral

    if len(entries) > CATCH_UP_ENTRIES:
        return None
    types = ContentType.objects.get_for_models(Person, Household, Referral, ImportBatch)
    person, household, referral, batch = (types[m].pk for m in (Person, Household, Referral, ImportBatch))
    people, households, referrals = set(), set(), set()
    for _pk, _at, kind, pk, about_kind, about_id in entries:
        if kind == batch:
            return None
        if about_kind == person:
            people.add(about_id)
        elif about_kind == household:
            households.add(about_id)
        if kind == household:
            households.add(int(pk))
        elif kind == referral:
            referrals.add(int(pk))
    if households:
        people.update(Person.objects.filter(household_id__in=households).values_list("pk", flat=True))
    if referrals:
        people.update(
            Referral.objects.filter(pk__in=referrals, person__isnull=False).values_list("person_id", flat=True)
        )
    return people if len(people) <= CATCH_UP_MAX else None


def ask_rebuild(service) -> None:
    """A worker makes the list whole (once in ten minutes at most); meanwhile it is read as it is."""
    from celery import current_app

    from onegate import jobs

    if cache.add(f"unserved-rebuild:{service.pk}", 1, 600):  # the task by name: tasks imports this module
        jobs.send(current_app.signature("referrals.tasks.rebuild_unserved_list"), service.pk)


def catch_up(service, today: datetime.date | None = None) -> None:
    """Bring the service's candidates up to date before a read (see above)."""
    today = today or timezone.localdate()
    state = UnservedListState.objects.filter(service=service).first()
    if state is None or (state.criteria_key != criteria_key(service) and _edited_since(service, state)):
        rebuild(service, today)  # never made, or made by other criteria: its rows mean nothing
        return
    if state.built_on != today:
        ask_rebuild(service)  # ages and "this year" move on; the page's own check drops who left
    # The entries of the last CATCH_UP_MARGIN are read again (a change may be committed a while
    # after it was stamped); those already read (seen_entries) are skipped.
    now = timezone.now()
    entries = _entries_since(state.caught_up_at - CATCH_UP_MARGIN)
    seen = set(state.seen_entries)
    new = [e for e in entries if e[0] not in seen]
    if not new and now - state.caught_up_at <= CATCH_UP_MARGIN:
        return  # nothing new, and the window need not move yet
    changed = changed_people(new)
    if changed is None:
        ask_rebuild(service)
        return
    with transaction.atomic():
        if not _lock(service.pk, wait=False):
            return  # another request or a worker is writing them now
        if changed:
            refresh_people(service, changed, today)
        recent = [e[0] for e in entries if e[1] > now - CATCH_UP_MARGIN]
        UnservedListState.objects.filter(service=service).update(caught_up_at=now, seen_entries=recent)


def _edited_since(service, state) -> bool:
    """Whether the service's criteria in the database differ from those its list was made by (this
    process's copy of the directory may be older than another process's, for the cache's TTL)."""
    fresh = _load_listed_services()
    if any(s.pk == service.pk and criteria_key(s) == state.criteria_key for s in fresh):
        reference_cache.clear()  # this process's copy is the old one: read the directory again
        return False
    return True


ORDERINGS = {BY_DECILE: ("decile", "person_id"), BY_URGENCY: ("-urgency", "decile", "person_id")}


def candidates(user, service, *, region: str | None = None, order: str = BY_DECILE, action="view"):
    """The service's unserved people the user may see (optionally of one kelurahan), as candidate
    rows in the list's order: decile (poorest first, people without one last) or urgency (the
    highest level of the matching need, then decile)."""
    ensure_can_view(user)
    catch_up(service)
    rows = scoping.restrict(UnservedCandidate.objects.filter(service=service), user, action)
    if region:
        rows = rows.filter(region_id=region)
    return rows.order_by(*ORDERINGS.get(order, ORDERINGS[BY_DECILE]))


def _in_need(domains, min_level: int = NeedLevel.NEEDED) -> Q:
    """People whose household's latest assessment records a need in ``domains`` at ``min_level`` or
    above (for the household or a member)."""
    households = latest_needs().filter(domain__in=list(domains), level__gte=min_level)
    return Q(household_id__in=households.values("assessment__household_id"))


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


def page_rows(user, person_ids: list[int], service, today: datetime.date, action="view") -> list[dict]:
    """What each row of a page shows, in the order of ``person_ids``: the person, their need's
    urgency and the reasons (each criterion set, with the person's value), read with a few queries
    for the whole page. Each person is checked again as they are read (through the scoping of the
    registry): one no longer unserved, or no longer the user's, is left out and checked again for
    the table."""
    from django.db.models import Prefetch

    from registry.models import PersonPpks, ProgramReceipt

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
        for p in people_visible_to(user, action)
        .filter(pk__in=person_ids)
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
    unfinished = _unfinished_drafts(user, service, loaded)
    rows, stale = [], []
    for pk in person_ids:
        full = loaded.get(pk)
        # Eligible as the table says? (The Python check agrees with the SQL one: test_eligibility.)
        evaluated = eligible_rows(service, full, today) if full is not None else None
        if evaluated is None:
            stale.append(pk)
            continue
        reasons = [f"{label}: {value}" for label, value in shown_reasons(evaluated)]
        rows.append(
            {
                "person": full,
                "urgency": full.urgency,
                "reasons": reasons,
                "decile": _decile(full),
                "drafts": unfinished.get(pk, []),
            }
        )
    if stale:  # left out, and checked again for the table by the SQL definition
        with transaction.atomic():
            if _lock(service.pk, wait=False):  # else a worker is making the list whole now
                refresh_people(service, stale, today)
    return rows


def _unfinished_drafts(user, service, people: dict) -> dict[int, list]:
    """The drafts to the service of these people that are not closed by a rejecting decision (a
    recommendation waiting for the manager, or a draft not sent): still unserved, but a second
    recommendation for the same need should not be made unawares."""
    from .models import PENDING_DRAFT, Referral

    drafts = (
        scoping.restrict(Referral.objects.all(), user)
        .filter(PENDING_DRAFT, service=service, person_id__in=list(people))
        .only("pk", "person_id", "number", "status", "decision")
        .order_by("pk")
    )
    by_person: dict[int, list] = {}
    for draft in drafts:
        by_person.setdefault(draft.person_id, []).append(draft)
    return by_person


def _decile(person):
    # hasattr: a missing profile (reverse one-to-one) raises an AttributeError subclass.
    return person.welfare.decile if hasattr(person, "welfare") else None


URGENCY_LABELS = {NeedLevel.URGENT: _("Urgent"), NeedLevel.NEEDED: _("Needed")}
