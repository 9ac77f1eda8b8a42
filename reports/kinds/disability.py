"""1. Recap of people with disabilities: per kelurahan, by disability type (UU 8/2016) and
severity, with a bar chart of the types split by severity."""

from collections import Counter

from django.utils.translation import gettext as _

from onegate import scoping
from registry.models import DisabilityProfile, DisabilityType, Severity

from ..charts import BarChart, Series
from ..models import ReportType
from ..scope import areas_q
from .base import (
    ReportKind,
    counted_people,
    data_label,
    register,
    report_areas,
    villages_in,
)


class DisabilityRecap(ReportKind):
    type = ReportType.DISABILITY_RECAP
    template = "reports/pdf/disability_recap.html"

    def can_request(self, user) -> bool:
        return scoping.can(user, DisabilityProfile) and bool(user.region_id)

    def parameters(self, report, scope):
        return super().parameters(report, scope) + [data_label(report)]

    def context(self, report, scope, progress):
        return figures(report, scope)


def figures(report, scope) -> dict:
    """Counts per kelurahan: each type (a person with several types counts once in each), each
    severity, people, and people with several types."""
    areas = report_areas(report, scope)
    profiles = (
        scoping.restrict(DisabilityProfile.objects.all(), scope)
        .filter(counted_people(report, "person__"), areas_q("person__region", areas))
        .values_list("person__region_id", "types", "severity")
    )
    by_village: dict[str, Counter] = {}
    by_type_severity = Counter()
    for region_id, types, severity in profiles.iterator(chunk_size=5000):
        types = set(types)
        counts = by_village.setdefault(region_id, Counter())
        counts["people"] += 1
        counts[severity] += 1
        counts.update(types)
        if len(types) > 1:
            counts["multiple"] += 1
        by_type_severity.update((t, severity) for t in types)
    columns = [*DisabilityType.values, *Severity.values, "multiple", "people"]
    rows = []
    total = Counter()
    for village in villages_in(areas):
        counts = by_village.get(village.code, Counter())
        total.update(counts)
        rows.append({"region": village, "values": [counts[c] for c in columns]})
    chart = BarChart(
        title=_("People with disabilities by type and severity"),
        categories=[DisabilityType(t).label for t in DisabilityType.values],
        series=[
            Series(Severity(s).label, [by_type_severity[t, s] for t in DisabilityType.values]) for s in Severity.values
        ],
        key="disability-types",
    )
    return {
        "type_labels": [DisabilityType(t).label for t in DisabilityType.values],
        "severity_labels": [Severity(s).label for s in Severity.values],
        "rows": rows,
        "totals": [total[c] for c in columns],
        "chart": chart,
        # The figures behind the PDF, kept with the request for its CSV and XLSX.
        "data": {
            "tables": [
                {
                    "title": _("People with disabilities per kelurahan"),
                    "headers": [
                        _("Region code"),
                        _("Kelurahan/desa"),
                        _("Kecamatan"),
                        *[DisabilityType(t).label for t in DisabilityType.values],
                        *[Severity(s).label for s in Severity.values],
                        _("Several types"),
                        _("People"),
                    ],
                    "rows": [[r["region"].code, r["region"].name, r["region"].parent.name, *r["values"]] for r in rows],
                }
            ]
        },
    }


register(DisabilityRecap())
