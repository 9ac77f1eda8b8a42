from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """PDF reports rendered by Celery workers, and the dashboard."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from django.db.models import Q

        from onegate import navigation, scoping
        from onegate.accounts.models import Role
        from onegate.audit import audited

        from . import (
            kinds,  # noqa: F401  (registers the report kinds)
            tasks,  # noqa: F401  (registers the Celery tasks)
        )
        from . import models as m

        def own(queryset, user):
            return queryset.filter(requested_by_id=user.pk)

        def manager(queryset, user):
            # Managers see their own requests and every request whose scope lies in their region
            # (the monthly reports of the whole city among them).
            return queryset.filter(Q(requested_by_id=user.pk) | scoping.region_q(user, "scope_region"))

        def agency(queryset, user):
            return queryset.filter(scope_role=Role.AGENCY, scope_agency_id=user.agency_id)

        askers = {Role.MANAGER, Role.FRONT_DESK, Role.KELURAHAN, Role.AGENCY}
        scoping.register(
            m.ReportRequest,
            scoping.ScopeRule(
                roles={"view": askers, "add": askers},
                role_filters={Role.MANAGER: manager, Role.FRONT_DESK: own, Role.KELURAHAN: own, Role.AGENCY: agency},
            ),
        )
        audited(m.ReportRequest, include_fields=["status"], region="scope_region", agency="scope_agency")
        from onegate.processing import record

        record(
            m.ReportRequest,
            categories=["the requester and their scope", "PDFs of lists, profiles and access reports (files)"],
            specific=["a profile or access report holds the person's disability and welfare data"],
            purpose="printed reports, profile sheets and the data subject's access report (UU 27/2022 Pasal 32)",
            retention="files deleted after REPORT_FILE_DAYS days (7 by default); the request row is kept",
        )
        navigation.register(navigation.NavItem("reports", _("Reports"), "reports:list", frozenset(askers), order=50))

        from onegate import panels

        from .dashboard import dashboard_for

        panels.register("person", "reports", panels.Panel(90, "reports/_person_panel.html", person_profile_panel))
        # The figures and charts of the home page (slot "home": the core's home page reads it).
        panels.register(
            "home", "reports", panels.Panel(50, "reports/_dashboard.html", lambda user, _page: dashboard_for(user))
        )


def person_profile_panel(user, person):
    """The buttons that ask for the person's profile sheet and, for managers, their access report."""
    from . import kinds
    from .models import ReportType

    if not kinds.get(ReportType.PERSON_PROFILE).can_request(user):
        return None
    return {"person": person, "access_report": kinds.get(ReportType.ACCESS_REPORT).can_request(user)}
