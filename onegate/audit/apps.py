from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "onegate.audit"
    label = "onegate_audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from django.db.models import Q

        from onegate import scoping
        from onegate.accounts.models import Role

        from .models import LogEntry

        def placed_entries(queryset, user):
            """Entries of objects in the manager's region when written; those placed nowhere (users,
            configuration) for the city-wide managers only."""
            if not user.region_id:
                return queryset
            inside = scoping.region_q(user, "region")
            return queryset.filter(inside | Q(region__isnull=True) if scoping.is_city_wide(user) else inside)

        # The trail holds before/after values of personal data: administrators (who did what, when;
        # never the personal values, see display.py) and managers, within their region.
        scoping.register(
            LogEntry,
            scoping.ScopeRule(
                roles={"view": {Role.ADMIN, Role.MANAGER}},
                role_filters={Role.ADMIN: lambda queryset, user: queryset, Role.MANAGER: placed_entries},
            ),
        )
        from onegate.processing import record

        record(
            LogEntry,
            categories=["who changed or looked at which record, when, from which address", "values before and after"],
            specific=["the values of every record above, as they changed"],
            purpose="accountability (UU 27/2022 Pasal 31) and the data subject's processing trail",
            retention="changes kept; records of who opened a page deleted after AUDIT_VIEW_RETENTION_DAYS (2 years by default)",
        )
