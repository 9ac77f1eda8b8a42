"""Referral performance per agency, for the Dinsos managers: counts by status, overdue and escalated
referrals, and the median time to completion (PostgreSQL's percentile_cont), over the referrals
the manager's scope holds."""

import datetime

from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q

from onegate.workdays.services import holidays_between, working_days_between

from .models import OPEN_STATUSES, ReferralStatus

STATUS_COLUMNS = [s for s in ReferralStatus if s != ReferralStatus.DRAFT]


class Median(Aggregate):
    """The median (PostgreSQL ``percentile_cont(0.5) WITHIN GROUP``) of numbers or intervals."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    name = "Median"


def _completion_time():
    return Median(
        ExpressionWrapper(F("finished_at") - F("sent_at"), output_field=DurationField()),
        filter=Q(status=ReferralStatus.COMPLETED),
        output_field=DurationField(),
    )


def _days(duration: datetime.timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 86400, 1)


def _measures(today):
    counts = {s.value: Count("pk", filter=Q(status=s)) for s in STATUS_COLUMNS}
    return {
        **counts,
        "total": Count("pk"),
        "open": Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        "overdue": Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today)),
        "escalated": Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today, escalation_level__gte=2)),
        "median": _completion_time(),
    }


def agency_summary(referrals, today: datetime.date) -> tuple[list[dict], dict]:
    """One row per agency (overdue first), and the totals. ``referrals`` is already scoped;
    drafts are left out (the agency does not have them yet)."""
    sent = referrals.exclude(status=ReferralStatus.DRAFT)
    rows = list(
        sent.values("agency_id", "agency__name")
        .annotate(**_measures(today))
        .order_by("-overdue", "-open", "agency__name")
    )
    totals = sent.aggregate(**_measures(today))
    for row in [*rows, totals]:
        row["median_days"] = _days(row.pop("median"))
        row["by_status"] = [(s, row[s.value]) for s in STATUS_COLUMNS]
    return rows, totals


def overdue_list(referrals, today: datetime.date, limit: int = 50) -> list:
    """The overdue referrals, the longest overdue first, each with its working days overdue."""
    rows = list(
        referrals.filter(status__in=OPEN_STATUSES, due_date__lt=today)
        .select_related("agency", "service", "region")
        .order_by("due_date", "pk")[:limit]
    )
    if rows:
        holidays = holidays_between(rows[0].due_date, today)
        for referral in rows:
            referral.days_overdue = working_days_between(referral.due_date, today, holidays)
    return rows
