from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "onegate.audit"
    label = "onegate_audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from auditlog.models import LogEntry

        from onegate import scoping
        from onegate.accounts.models import Role

        # The trail holds before/after values of personal data: administrators and managers only.
        scoping.register(LogEntry, scoping.ScopeRule(roles={"view": {Role.ADMIN, Role.MANAGER}}))
        from onegate.processing import record

        record(
            LogEntry,
            categories=["who changed or looked at which record, when, from which address", "values before and after"],
            specific=["the values of every record above, as they changed"],
            purpose="accountability (UU 27/2022 Pasal 31) and the data subject's processing trail",
            retention="kept (no automatic deletion)",
        )
