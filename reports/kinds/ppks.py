"""2. PPKS recap: people needing social welfare services per official category (Permensos 8/2012),
per kecamatan (for a city or regency) or per kelurahan (for a kecamatan)."""

from collections import Counter

from django.utils.translation import gettext as _

from onegate import scoping
from onegate.regions.models import Region, code_within
from registry.models import PersonPpks, PpksCategory, PpksStatus

from ..charts import BarChart, Series
from ..models import ReportType
from ..scope import areas_q
from .base import ReportKind, counted_people, data_label, register, report_areas


class PpksRecap(ReportKind):
    type = ReportType.PPKS_RECAP
    template = "reports/pdf/ppks_recap.html"

    def can_request(self, user) -> bool:
        return scoping.can(user, PersonPpks) and bool(user.region_id)

    def parameters(self, report, scope):
        return super().parameters(report, scope) + [
            data_label(report),
            (_("Counted"), _("active PPKS records; handled ones in their own column")),
        ]

    def context(self, report, scope, progress):
        return figures(report, scope)


def columns_for(areas: list[str]) -> list[Region]:
    """One column per kecamatan of a city, per kelurahan of a kecamatan, or the kelurahan itself."""
    columns = []
    for region in Region.objects.filter(code__in=areas).order_by("code"):
        if region.is_village:
            columns.append(region)
        else:
            columns.extend(Region.objects.filter(parent=region).order_by("code"))
    return columns


def figures(report, scope) -> dict:
    areas = report_areas(report, scope)
    columns = columns_for(areas)
    records = (
        scoping.restrict(PersonPpks.objects.all(), scope)
        .filter(counted_people(report, "person__"), areas_q("person__region", areas))
        .values_list("category_id", "status", "person__region_id")
    )
    active, handled = Counter(), Counter()
    for category_id, status, region_id in records.iterator(chunk_size=5000):
        if status == PpksStatus.HANDLED:
            handled[category_id] += 1
            continue
        for index, column in enumerate(columns):
            if code_within(region_id, column.code):
                active[category_id, index] += 1
                break
    rows = []
    for category in PpksCategory.objects.order_by("code"):
        values = [active[category.pk, i] for i in range(len(columns))]
        rows.append({"category": category, "values": values, "active": sum(values), "handled": handled[category.pk]})
    shown = [r for r in rows if r["active"]]
    chart = BarChart(
        title=_("Active PPKS records by category"),
        categories=[r["category"].name for r in shown],
        series=[Series(_("Active"), [r["active"] for r in shown])],
        key="ppks-categories",
    )
    column_totals = [sum(r["values"][i] for r in rows) for i in range(len(columns))]
    return {
        "columns": columns,
        "rows": rows,
        "column_totals": column_totals,
        "active_total": sum(column_totals),
        "handled_total": sum(handled.values()),
        "chart": chart,
        "data": {
            "tables": [
                {
                    "title": _("Active PPKS records per category and area"),
                    "headers": [
                        _("No."),
                        _("PPKS category"),
                        *[f"{c.name} ({c.code})" for c in columns],
                        _("Active"),
                        _("Handled"),
                    ],
                    "rows": [
                        [r["category"].code, r["category"].name, *r["values"], r["active"], r["handled"]] for r in rows
                    ],
                }
            ]
        },
    }


register(PpksRecap())
