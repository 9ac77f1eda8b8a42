"""7. Daftar calon penerima layanan: a service's eligible-but-unserved people (referrals.unserved)
in the requester's scope, or in the kelurahan chosen on the service's page, grouped by kelurahan,
the most urgent need and the poorest first, with why each is eligible and room for the officer's
notes. Asked for from the service's unserved page; NIKs masked as on the beneficiary list (paper
goes to the field). Long lists stop at MAX_ROWS: a kelurahan's list is the useful one."""

from itertools import groupby

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from onegate import scoping
from referrals import unserved
from referrals.models import UnservedCount
from registry.nik import mask_nik

from ..models import ReportType
from ..scope import areas_q
from .base import ReportKind, area_label, register, report_areas

MAX_ROWS = 2000


class UnservedList(ReportKind):
    type = ReportType.UNSERVED_LIST
    template = "reports/pdf/unserved_list.html"

    def can_request(self, user) -> bool:
        return scoping.can(user, UnservedCount, scoping.VIEW) and bool(user.region_id)

    def check(self, report, scope) -> None:
        super().check(report, scope)
        try:
            unserved.listed_service(report.service_id)
        except Http404:
            raise ValidationError({"service": _("This service has no list of candidates.")}) from None

    def title(self, report) -> str:
        return _("List of candidate recipients: %(service)s") % {"service": report.service.name}

    def parameters(self, report, scope):
        service = report.service
        rows = [
            (_("Service"), f"{service.name} · {service.agency.name}"),
            (_("Area"), area_label(report_areas(report, scope))),
            (_("Who is listed"), _("Eligible by the service's criteria, neither receiving it nor referred to it")),
        ]
        if service.program:
            rows.append((_("Programme"), service.get_program_display()))
        return rows

    def context(self, report, scope, progress):
        service = unserved.listed_service(report.service_id)
        today = timezone.localdate()
        candidates = unserved.candidates(scope, service).filter(areas_q("region", report_areas(report, scope)))
        total = candidates.count()
        progress(0.3)
        chosen = list(
            candidates.order_by("region__name", "region_id", "-urgency", "decile", "person__full_name").values_list(
                "person_id", flat=True
            )[:MAX_ROWS]
        )
        rows = []
        for start in range(0, len(chosen), 500):
            rows += unserved.page_rows(scope, chosen[start : start + 500], service, today)
            progress(0.3 + 0.6 * min(1, (start + 500) / max(len(chosen), 1)))
        groups = []
        for region, members in groupby(rows, key=lambda row: row["person"].region):
            groups.append({"region": region, "rows": [_shown(row) for row in members]})
        return {
            "service": service,
            "groups": groups,
            "listed": len(rows),
            "total": total,
            "truncated": total > len(rows),
            "is_proposal": unserved.is_proposal_list(service),
        }


def _shown(row) -> dict:
    person = row["person"]
    household = person.household
    address = household.address if household else person.domicile_address
    if household and (household.rt or household.rw):
        address = f"{address} RT {household.rt or '-'}/RW {household.rw or '-'}"
    return {
        "name": person.full_name,
        "nik": mask_nik(person.nik) if person.nik else _("no NIK"),
        "address": address,
        "decile": row["decile"],
        "urgency": row["urgency"],
        "reasons": row["reasons"],
    }


register(UnservedList())
