"""Synthetic needs assessments for load tests: about ``share`` of the households without one get a
submitted assessment (their latest) with one to three needs, a third of them urgent, and sometimes
a need of one member, so that the eligible-but-unserved lists (referrals) sorted by urgency and the
services whose criteria ask for assessed needs have rows at scale.

Households are drawn by id (a few indexed lookups, as complaints.synthetic draws people); rows are
written with binary COPY, no audit entries (onegate.copying).
"""

import datetime
import random

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from onegate.accounts.models import Role, User
from onegate.copying import DictCopyTable, allocate_ids
from registry.models import Household

from ..models import Assessment, AssessmentNeed, NeedDomain, NeedLevel, VisitMethod
from .demo import NOTES

ASSESSMENT_COLUMNS = (
    "id",
    "household_id",
    "region_id",
    "visited_on",
    "method",
    "assessor_id",
    "companions",
    "dtks_in_registry",
    "dtks_finding",
    "summary",
    "recommendation",
    "is_latest",
    "version",
    "status",
    "rejection_reason",
    "created_by_id",
    "created_at",
    "updated_at",
)
NEED_COLUMNS = ("assessment_id", "person_id", "domain", "level", "note")
# Domains as often as home visits find them (food and health first).
DOMAINS = [
    (NeedDomain.FOOD, 25),
    (NeedDomain.HEALTH, 25),
    (NeedDomain.ECONOMY, 15),
    (NeedDomain.HOUSING, 10),
    (NeedDomain.EDUCATION, 10),
    (NeedDomain.CIVIL_DOCUMENTS, 6),
    (NeedDomain.DISABILITY, 4),
    (NeedDomain.PROTECTION, 3),
    (NeedDomain.LEGAL, 2),
]


def _households(n: int, rng: random.Random) -> list[tuple[int, str, int | None]]:
    """Up to ``n`` distinct households without an assessment: (id, kelurahan, a member's id)."""
    bounds = Household.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if n <= 0 or bounds["low"] is None:
        return []
    wanted = sorted({rng.randint(bounds["low"], bounds["high"]) for _ in range(n * 2)})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT h.id, h.region_id, (SELECT min(p.id) FROM registry_person p WHERE p.household_id = h.id) "
            "FROM unnest(%s::bigint[]) AS w(id) JOIN registry_household h ON h.id = w.id "
            "WHERE NOT EXISTS (SELECT 1 FROM assessments_assessment a WHERE a.household_id = h.id) ORDER BY h.id",
            [wanted],
        )
        rows = cursor.fetchall()
    rng.shuffle(rows)
    return rows[:n]


def generate(*, share: float = 0.05, seed: int = 1, now: datetime.datetime | None = None) -> dict:
    """Assessments for about ``share`` of the households; returns the counts written."""
    rng = random.Random(f"assessments-{seed}")
    now = now or timezone.now()
    today = timezone.localdate(now)
    officers = list(User.objects.filter(role__in=[Role.KELURAHAN, Role.MANAGER]).values_list("pk", flat=True))
    if not officers:
        raise ValueError("no kelurahan officer or manager: run seed_demo first")
    households = _households(round(Household.objects.count() * share), rng)
    domains = [d for d, _w in DOMAINS]
    weights = [w for _d, w in DOMAINS]
    ids = allocate_ids(Assessment, len(households))
    assessments, needs = [], []
    for pk, (household, region, member) in zip(ids, households, strict=True):
        visited = today - datetime.timedelta(days=rng.randint(1, 300))
        at = timezone.make_aware(datetime.datetime.combine(visited, datetime.time(rng.randint(8, 15))))
        officer = rng.choice(officers)
        assessments.append(
            {
                "id": pk,
                "household_id": household,
                "region_id": region,
                "visited_on": visited,
                "method": VisitMethod.HOME_VISIT,
                "assessor_id": officer,
                "companions": "",
                "dtks_in_registry": "",
                "dtks_finding": "",
                "summary": "",
                "recommendation": "",
                "is_latest": True,
                "version": 2,
                "status": "submitted",
                "rejection_reason": "",
                "created_by_id": officer,
                "created_at": at,
                "updated_at": at,
            }
        )
        chosen = set()
        while len(chosen) < rng.choice([1, 1, 2, 2, 3]):
            chosen.add(rng.choices(domains, weights)[0])
        for domain in sorted(chosen):
            level = NeedLevel.URGENT if rng.random() < 0.3 else NeedLevel.NEEDED
            needs.append(
                {"assessment_id": pk, "person_id": None, "domain": domain, "level": level, "note": NOTES[domain]}
            )
        if member and rng.random() < 0.2:
            domain = rng.choice([NeedDomain.HEALTH, NeedDomain.EDUCATION, NeedDomain.DISABILITY])
            if domain not in chosen:
                needs.append(
                    {
                        "assessment_id": pk,
                        "person_id": member,
                        "domain": domain,
                        "level": NeedLevel.URGENT,
                        "note": NOTES[domain],
                    }
                )
    with transaction.atomic():
        DictCopyTable(Assessment, ASSESSMENT_COLUMNS).write(assessments)
        DictCopyTable(AssessmentNeed, NEED_COLUMNS).write(needs)
    return {"assessments": len(assessments), "assessment_needs": len(needs)}
