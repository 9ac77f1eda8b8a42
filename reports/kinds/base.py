"""What every kind of report is (ReportKind), the register of kinds, and the helpers the kinds share."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from onegate import pdf
from onegate.regions.models import VILLAGE_LEVELS, Region, code_within
from registry.models import LifeStatus, VerificationStatus

from .. import rendering
from ..models import ReportType
from ..scope import areas_q

Progress = Callable[[float], None]


class ReportKind:
    type: str = ""
    template: str = ""

    @property
    def label(self) -> str:
        return ReportType(self.type).label

    def can_request(self, user) -> bool:
        raise NotImplementedError

    def can_download(self, user, report) -> bool:
        """Beyond seeing the request (reports' scope rule): who may download its file."""
        return True

    def check(self, report, scope) -> None:
        """Refuse parameters outside the requester's scope (ValidationError)."""
        for code in report.regions:
            if not scope.region_id or not code_within(code, scope.region_id):
                raise ValidationError({"regions": _("You can only ask for reports on your own area.")})

    def title(self, report) -> str:
        return self.label

    def parameters(self, report, scope) -> list[tuple[str, str]]:
        return [(_("Area"), area_label(report_areas(report, scope)))]

    def context(self, report, scope, progress: Progress) -> dict:
        raise NotImplementedError

    def document(self, report, scope, progress: Progress) -> rendering.Document:
        context = self.base_context(report, scope) | self.context(report, scope, progress)
        html = render_to_string(self.template, context)
        return rendering.Document([rendering.Part(html)], data=context.get("data", {}))

    def base_context(self, report, scope) -> dict:
        return {
            **pdf.document_context(),
            "title": self.title(report),
            "parameters": self.parameters(report, scope),
            "generated_at": timezone.localtime(),
            "generated_by": requester_label(report),
            "report": report,
        }


_kinds: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    _kinds[kind.type] = kind
    return kind


def get(report_type: str) -> ReportKind:
    return _kinds[report_type]


def requestable_by(user) -> list[ReportKind]:
    order = list(ReportType.values)
    return sorted((kind for kind in _kinds.values() if kind.can_request(user)), key=lambda kind: order.index(kind.type))


# --- Helpers the kinds share ---------------------------------------------------------------------
def requester_label(report) -> str:
    if report.requested_by_id is None:
        return _("Monthly schedule")
    user = report.requested_by
    return f"{user.get_full_name() or user.username} ({user.get_role_display()})"


def report_areas(report, scope) -> list[str]:
    """The region codes the report covers: those asked for, or the requester's whole region."""
    return list(report.regions) or ([scope.region_id] if scope.region_id else [])


def area_label(codes) -> str:
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return ", ".join(f"{names.get(code, code)} ({code})" for code in codes) or "—"


def villages_in(codes) -> list[Region]:
    """The kelurahan/desa of the areas, with their kecamatan, in code order."""
    if not codes:
        return []
    return list(
        Region.objects.filter(areas_q("", codes), level__in=VILLAGE_LEVELS).select_related("parent").order_by("code")
    )


def counted_people(report, prefix: str = "") -> Q:
    """The people a registry report counts: living, not merged away, and verified (or, when the
    request says so, any record not rejected)."""
    q = Q(**{f"{prefix}merged_into__isnull": True, f"{prefix}life_status": LifeStatus.ALIVE})
    if report.include_unverified:
        return q & ~Q(**{f"{prefix}status": VerificationStatus.REJECTED})
    return q & Q(**{f"{prefix}status": VerificationStatus.VERIFIED})


def data_label(report) -> tuple[str, str]:
    if report.include_unverified:
        return (_("Records counted"), _("verified and not yet verified (rejected records left out)"))
    return (_("Records counted"), _("verified only"))
