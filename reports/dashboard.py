"""The home page's figures and charts, for each role, within the user's scope: registered people by
profile and kelurahan, open complaints by SLA state, referrals by agency and status, and the last
six months. The charts are the same SVG charts as the PDFs (reports/charts.py), each with a table
of its numbers for screen readers.

Counting a city's registry takes a moment: the figures of a scope are kept in the cache for a few
minutes (the page says when they were counted)."""

import datetime
from collections import Counter

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from complaints.models import OPEN_STATUSES as COMPLAINT_OPEN
from complaints.models import Complaint, SlaState
from complaints.sla import SlaClock
from onegate import scoping
from onegate.regions.models import VILLAGE_LEVELS, Region
from referrals.models import OPEN_STATUSES as REFERRAL_OPEN
from referrals.models import Referral, ReferralStatus
from registry.models import (
    DisabilityProfile,
    DtksStatus,
    LifeStatus,
    Person,
    PersonPpks,
    PpksStatus,
    ProgramReceipt,
    VerificationStatus,
)
from registry.selectors import people_visible_to

from .charts import BarChart, Series
from .scope import RequesterScope

CACHE_SECONDS = 300
MONTHS = 6


def dashboard_for(user) -> dict | None:
    """The home page section of ``user``, or None for roles without one (administrators)."""
    scope = RequesterScope.of_user(user)
    sees_people, sees_complaints, sees_referrals = (scoping.can(scope, m) for m in (Person, Complaint, Referral))
    if not (sees_people or sees_complaints or sees_referrals):
        return None
    key = f"reports:dashboard:{scope.role}:{scope.region_id}:{scope.agency_id}:{get_language()}:{timezone.localdate()}"
    return cache.get_or_set(key, lambda: _figures(scope, sees_people, sees_complaints, sees_referrals), CACHE_SECONDS)


def _figures(scope, sees_people, sees_complaints, sees_referrals) -> dict:
    today = timezone.localdate()
    figures = {"counted_at": timezone.localtime(), "numbers": [], "charts": []}
    if sees_people:
        _people(scope, figures)
    if sees_complaints:
        _complaints(scope, figures, today)
    if sees_referrals:
        _referrals(scope, figures, today)
    figures["charts"].append(_trends(scope, sees_people, sees_complaints, sees_referrals, today))
    return figures


def _people(scope, figures):
    people = scoping.restrict(Person.objects.filter(merged_into__isnull=True, life_status=LifeStatus.ALIVE), scope)
    this_year = timezone.localdate().year
    counts = people.aggregate(
        total=Count("pk"),
        verified=Count("pk", filter=Q(status=VerificationStatus.VERIFIED)),
        disability=Count("pk", filter=Q(Exists(DisabilityProfile.objects.filter(person=OuterRef("pk"))))),
        dtks=Count("pk", filter=Q(welfare__dtks_status=DtksStatus.REGISTERED)),
        ppks=Count("pk", filter=Q(Exists(PersonPpks.objects.filter(person=OuterRef("pk"), status=PpksStatus.ACTIVE)))),
        program=Count("pk", filter=Q(Exists(ProgramReceipt.objects.filter(person=OuterRef("pk"), year=this_year)))),
    )
    figures["numbers"].append(
        (_("Registered people"), counts["total"], _("%(n)s verified") % {"n": counts["verified"]})
    )
    figures["charts"].append(
        BarChart(
            title=_("Registered people by profile"),
            categories=[
                _("With a disability"),
                _("Registered in DTKS/DTSEN"),
                _("Active PPKS record"),
                _("Receiving a program this year"),
            ],
            series=[Series(_("People"), [counts["disability"], counts["dtks"], counts["ppks"], counts["program"]])],
            key="home-profiles",
        )
    )
    by_village = Counter()
    for region_id, status, n in people.values_list("region_id", "status").annotate(n=Count("pk")).order_by():
        by_village[region_id, status == VerificationStatus.VERIFIED] += n
    villages = Region.objects.filter(
        level__in=VILLAGE_LEVELS, code__in={code for code, _verified in by_village}
    ).order_by("code")
    if len(villages) > 1:
        figures["charts"].append(
            BarChart(
                title=_("Registered people by kelurahan"),
                categories=[v.name for v in villages],
                series=[
                    Series(_("Verified"), [by_village[v.code, True] for v in villages]),
                    Series(_("Not yet verified"), [by_village[v.code, False] for v in villages]),
                ],
                key="home-villages",
            )
        )


def _complaints(scope, figures, today):
    clock = SlaClock.now(today)
    open_complaints = scoping.restrict(Complaint.objects.filter(status__in=COMPLAINT_OPEN), scope)
    states = Counter(clock.state(c) for c in open_complaints.only("status", "due_date", "finished_at"))
    figures["numbers"].append(
        (_("Open complaints"), sum(states.values()), _("%(n)s late") % {"n": states[SlaState.LATE]})
    )
    figures["charts"].append(
        BarChart(
            title=_("Open complaints by SLA state"),
            categories=[SlaState(s).label for s in SlaState.values],
            series=[Series(_("Complaints"), [states[s] for s in SlaState.values])],
            key="home-sla",
            unit=_("complaints"),
        )
    )


def _referrals(scope, figures, today):
    referrals = scoping.restrict(Referral.objects.exclude(status=ReferralStatus.DRAFT), scope)
    groups = [
        (_("Sent"), [ReferralStatus.SENT]),
        (_("Accepted or in progress"), [ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS]),
        (_("Completed"), [ReferralStatus.COMPLETED]),
        (_("Rejected or redirected"), [ReferralStatus.REJECTED, ReferralStatus.REDIRECTED]),
    ]
    counts = Counter()
    for agency, status, n in referrals.values_list("agency__name", "status").annotate(n=Count("pk")).order_by():
        counts[agency, status] += n
    agencies = sorted({agency for agency, _status in counts})
    open_count = sum(n for (_agency, status), n in counts.items() if status in REFERRAL_OPEN)
    overdue = referrals.filter(status__in=REFERRAL_OPEN, due_date__lt=today).count()
    figures["numbers"].append((_("Open referrals"), open_count, _("%(n)s overdue") % {"n": overdue}))
    figures["charts"].append(
        BarChart(
            title=_("Referrals by agency and status"),
            categories=agencies,
            series=[
                Series(label, [sum(counts[a, s] for s in statuses) for a in agencies]) for label, statuses in groups
            ],
            key="home-referrals",
            unit=_("referrals"),
        )
    )


def _trends(scope, sees_people, sees_complaints, sees_referrals, today) -> BarChart:
    """The last six months (this one included): people registered, complaints received, referrals sent."""
    months = [today.replace(day=1)]
    while len(months) < MONTHS:
        months.insert(0, (months[0] - datetime.timedelta(days=1)).replace(day=1))
    start = datetime.datetime.combine(months[0], datetime.time.min, tzinfo=timezone.get_current_timezone())
    series = []

    def monthly(queryset, field, label):
        per_month = dict(
            queryset.filter(**{f"{field}__gte": start})
            .annotate(month=TruncMonth(field))
            .values_list("month")
            .annotate(n=Count("pk"))
            .order_by()
        )
        by_day = {
            timezone.localtime(m).date() if isinstance(m, datetime.datetime) else m: n for m, n in per_month.items()
        }
        series.append(Series(label, [by_day.get(m, 0) for m in months]))

    if sees_people:
        monthly(
            people_visible_to(scope),
            "created_at",
            _("People registered"),
        )
    if sees_complaints:
        monthly(scoping.restrict(Complaint.objects.all(), scope), "received_at", _("Complaints received"))
    if sees_referrals:
        monthly(
            scoping.restrict(Referral.objects.exclude(status=ReferralStatus.DRAFT), scope),
            "sent_at",
            _("Referrals sent"),
        )
    return BarChart(
        title=_("The last six months"),
        categories=[date_format(m, "F Y") for m in months],
        series=series,
        key="home-months",
        unit=_("records"),
        grouped=True,
    )
