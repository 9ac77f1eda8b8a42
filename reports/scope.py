"""The requester's scope as recorded with the request, and the areas a user may ask a report for.

A report is rendered later, by a worker, perhaps after the requester changed role or region: it
holds what the requester could see *when asking*. :class:`RequesterScope` is that scope in the
shape onegate.scoping reads from a user, so every query of a report goes through scoping.restrict
like a page does.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from onegate.accounts.models import Role
from onegate.regions.models import VILLAGE_LEVELS, Region, RegionLevel, within_q


@dataclass(frozen=True)
class RequesterScope:
    pk: int | None
    role: str
    region_id: str | None
    agency_id: int | None
    is_authenticated: bool = True
    is_active: bool = True

    @classmethod
    def of_user(cls, user) -> "RequesterScope":
        return cls(pk=user.pk, role=user.role, region_id=user.region_id, agency_id=user.agency_id)

    @classmethod
    def of_report(cls, report) -> "RequesterScope":
        return cls(
            pk=report.requested_by_id,
            role=report.scope_role,
            region_id=report.scope_region_id,
            agency_id=report.scope_agency_id,
        )

    @classmethod
    def city_manager(cls) -> "RequesterScope":
        """The scope of the scheduled monthly reports: a manager of the whole city or regency."""
        return cls(pk=None, role=Role.MANAGER, region_id=settings.OFFICE_REGION_CODE, agency_id=None)


def areas_q(field: str, codes) -> Q:
    """Rows whose region (``field`` is the path to a Region; empty for regions themselves) lies in
    one of ``codes``."""
    q = Q()
    for code in codes:
        q |= within_q(field, code)
    return q


def villages_by_kecamatan(scope) -> list[tuple[str, list[tuple[str, str]]]]:
    """The kelurahan/desa a user may ask a report for, grouped under their kecamatan (for boxes to
    tick on a tablet, where a multiple select needs Ctrl)."""
    if not scope.region_id:
        return []
    villages = Region.objects.within(scope.region_id).filter(level__in=VILLAGE_LEVELS).select_related("parent")
    groups: dict[str, list[tuple[str, str]]] = {}
    for village in villages.order_by("parent__name", "name"):
        groups.setdefault(village.parent.name, []).append((village.code, village.name))
    return list(groups.items())


def area_choices(scope, *, villages_only: bool = False) -> list[tuple[str, str]]:
    """The regions a user may ask a report for: their own region and those inside it, down to the
    kelurahan, labelled with their level (a regency's whole tree is a few hundred rows)."""
    if not scope.region_id:
        return []
    regions = Region.objects.within(scope.region_id)
    if villages_only:
        regions = regions.filter(level__in=VILLAGE_LEVELS)
    else:
        regions = regions.filter(
            level__in=[RegionLevel.KOTA, RegionLevel.KABUPATEN, RegionLevel.KECAMATAN, *VILLAGE_LEVELS]
        )
    choices = []
    for region in regions.order_by("code"):
        indent = "— " * max(0, region.code.count(".") - scope.region_id.count("."))
        choices.append((region.code, f"{indent}{region.name} ({region.get_level_display()})"))
    return choices
