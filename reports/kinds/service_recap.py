"""3. Complaints and referrals recap for a period: complaints received by category, channel and
status, how many kept to their SLA, the median time to close them; referrals sent per agency with
their outcome, overdue ones and the median time to complete them; charts of the main counts.

Staff see the complaints and referrals of their area; an agency officer sees the referrals sent to
their agency (and no complaint), through onegate.scoping like everywhere else."""

import datetime
import statistics
from collections import Counter

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import FINISHED_STATUSES as COMPLAINT_FINISHED
from complaints.models import Category, Channel, Complaint, SlaState, Status
from complaints.sla import SlaClock
from onegate import scoping
from onegate.accounts.models import Role
from referrals.models import OPEN_STATUSES as REFERRAL_OPEN
from referrals.models import Referral, ReferralStatus

from ..charts import BarChart, Series
from ..models import ReportType
from ..scope import areas_q
from .base import ReportKind, area_label, register, report_areas


class ServiceRecap(ReportKind):
    type = ReportType.SERVICE_RECAP
    template = "reports/pdf/service_recap.html"

    def can_request(self, user) -> bool:
        return scoping.can(user, Complaint) or scoping.can(user, Referral)

    def check(self, report, scope) -> None:
        super().check(report, scope)
        if not (report.period_start and report.period_end) or report.period_start > report.period_end:
            raise ValidationError({"period_end": _("The period must start before it ends.")})

    def title(self, report) -> str:
        return _("Complaints and referrals, %(start)s – %(end)s") % {
            "start": report.period_start.strftime("%d/%m/%Y"),
            "end": report.period_end.strftime("%d/%m/%Y"),
        }

    def parameters(self, report, scope):
        period = (_("Period"), f"{report.period_start:%d/%m/%Y} – {report.period_end:%d/%m/%Y}")
        if scope.role == Role.AGENCY:
            from onegate.agencies.models import Agency

            return [period, (_("Agency"), str(Agency.objects.get(pk=scope.agency_id)))]
        return [period, (_("Area"), area_label(report_areas(report, scope)))]

    def context(self, report, scope, progress):
        today = timezone.localdate()
        start, end = _bounds(report.period_start, report.period_end)
        areas = report_areas(report, scope)
        context = {"complaints": None, "referrals": None, "charts": [], "tables": []}
        if scoping.can(scope, Complaint):
            complaints = scoping.restrict(Complaint.objects.filter(received_at__gte=start, received_at__lt=end), scope)
            context["complaints"] = complaint_figures(
                complaints.filter(areas_q("region", areas)) if areas else complaints, today
            )
        progress(0.5)
        if scoping.can(scope, Referral):
            referrals = scoping.restrict(Referral.objects.filter(sent_at__gte=start, sent_at__lt=end), scope).exclude(
                status=ReferralStatus.DRAFT
            )
            if areas and scope.role != Role.AGENCY:
                referrals = referrals.filter(areas_q("region", areas))
            context["referrals"] = referral_figures(referrals, today)
        for section in (context["complaints"], context["referrals"]):
            if section:
                context["charts"] += section["charts"]
                context["tables"] += section["tables"]
        context["data"] = {"tables": context["tables"]}
        return context


def _bounds(first: datetime.date, last: datetime.date):
    """The period as aware datetimes: from the first day's midnight to the midnight after the last."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    return start, datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)


def _days(start, finish) -> float:
    return (finish - start).total_seconds() / 86400


def _median(values) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def complaint_figures(complaints, today) -> dict:
    rows = list(
        complaints.values_list(
            "category__parent_id", "category_id", "channel", "status", "received_at", "finished_at", "due_date"
        )
    )
    top_names = dict(Category.objects.filter(parent__isnull=True).values_list("pk", "name"))
    clock = SlaClock.now(today)
    by_category, by_channel, by_status, sla = Counter(), Counter(), Counter(), Counter()
    days_to_close = []
    for parent_id, category_id, channel, status, received, finished, due in rows:
        by_category[parent_id or category_id] += 1
        by_channel[channel] += 1
        by_status[status] += 1
        if status in COMPLAINT_FINISHED and finished:
            sla["finished_" + ("late" if timezone.localdate(finished) > due else "on_time")] += 1
            days_to_close.append(_days(received, finished))
        else:
            sla["open_" + clock.state(_Due(due, status, finished))] += 1
    finished = sla["finished_on_time"] + sla["finished_late"]
    categories = [(name, by_category[pk]) for pk, name in top_names.items() if by_category[pk]]
    channels = [(Channel(c).label, by_channel[c]) for c in Channel.values]
    statuses = [(Status(s).label, by_status[s]) for s in Status.values]
    sla_rows = [
        (_("Finished within the SLA"), sla["finished_on_time"]),
        (_("Finished late"), sla["finished_late"]),
        (_("Open, on time"), sla[f"open_{SlaState.ON_TIME}"]),
        (_("Open, at risk"), sla[f"open_{SlaState.AT_RISK}"]),
        (_("Open, late"), sla[f"open_{SlaState.LATE}"]),
    ]
    return {
        "total": len(rows),
        "categories": categories,
        "channels": channels,
        "statuses": statuses,
        "sla": sla_rows,
        "finished": finished,
        "compliance": _percent(sla["finished_on_time"], finished),
        "median_days": _median(days_to_close),
        "charts": [
            BarChart(
                title=_("Complaints by category"),
                categories=[n for n, _v in categories],
                series=[Series(_("Complaints"), [v for _n, v in categories])],
                key="complaints-category",
                unit=_("complaints"),
            ),
            BarChart(
                title=_("Complaints by channel"),
                categories=[n for n, _v in channels],
                series=[Series(_("Complaints"), [v for _n, v in channels])],
                key="complaints-channel",
                unit=_("complaints"),
            ),
        ],
        "tables": [
            {
                "title": _("Complaints by category"),
                "headers": [_("Category"), _("Complaints")],
                "rows": [list(r) for r in categories],
            },
            {
                "title": _("Complaints by channel"),
                "headers": [_("Channel"), _("Complaints")],
                "rows": [list(r) for r in channels],
            },
            {
                "title": _("Complaints by status"),
                "headers": [_("Status"), _("Complaints")],
                "rows": [list(r) for r in statuses],
            },
            {
                "title": _("Complaints and their SLA"),
                "headers": [_("SLA"), _("Complaints")],
                "rows": [list(r) for r in sla_rows],
            },
        ],
    }


class _Due:
    """What SlaClock.state reads from a complaint."""

    def __init__(self, due_date, status, finished_at):
        self.due_date, self.status, self.finished_at = due_date, status, finished_at


def referral_figures(referrals, today) -> dict:
    rows = list(referrals.values_list("agency__name", "status", "sent_at", "finished_at", "due_date"))
    agencies: dict[str, Counter] = {}
    durations: dict[str, list[float]] = {}
    for agency, status, sent, finished, due in rows:
        counts = agencies.setdefault(agency, Counter())
        counts["sent"] += 1
        counts[status] += 1
        if status in REFERRAL_OPEN:
            counts["open"] += 1
            counts["overdue"] += due < today
        if status == ReferralStatus.COMPLETED and finished:
            counts["on_time"] += timezone.localdate(finished) <= due
            durations.setdefault(agency, []).append(_days(sent, finished))
    table = []
    for agency in sorted(agencies):
        c = agencies[agency]
        table.append(
            [
                agency,
                c["sent"],
                c[ReferralStatus.COMPLETED],
                c[ReferralStatus.REJECTED] + c[ReferralStatus.REDIRECTED],
                c["open"],
                c["overdue"],
                _percent(c["on_time"], c[ReferralStatus.COMPLETED]),
                _median(durations.get(agency, [])),
            ]
        )
    headers = [
        _("Agency"),
        _("Sent"),
        _("Completed"),
        _("Rejected or redirected"),
        _("Open"),
        _("Overdue"),
        _("Completed on time (%)"),
        _("Median days to complete"),
    ]
    totals = [sum(r[i] for r in table) for i in range(1, 6)]
    all_durations = [d for values in durations.values() for d in values]
    chart = BarChart(
        title=_("Referrals per agency"),
        categories=[r[0] for r in table],
        series=[
            Series(_("Completed"), [r[2] for r in table]),
            Series(_("Open"), [r[4] for r in table]),
            Series(_("Rejected or redirected"), [r[3] for r in table]),
        ],
        key="referrals-agency",
        unit=_("referrals"),
    )
    return {
        "total": len(rows),
        "headers": headers,
        "agencies": table,
        "totals": totals,
        "on_time": _percent(sum(a["on_time"] for a in agencies.values()), totals[1]),
        "median_days": _median(all_durations),
        "charts": [chart],
        "tables": [{"title": _("Referrals per agency"), "headers": headers, "rows": table}],
    }


register(ServiceRecap())
