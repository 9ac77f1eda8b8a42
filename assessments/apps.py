from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """The SLRT back office's needs assessment (asesmen kebutuhan) of a household and its members."""

    name = "assessments"
    verbose_name = _("Needs assessment")

    def ready(self):
        from onegate import scoping
        from onegate.accounts.models import Role
        from onegate.audit import audited

        from . import models as m

        # Made by a kelurahan officer on a home visit or by a manager; read by those who read the
        # registry; agencies learn of needs only through what a referral tells them.
        staff = {Role.MANAGER, Role.KELURAHAN}
        roles = {"view": staff | {Role.FRONT_DESK}, "add": staff, "change": staff, "verify": {Role.MANAGER}}
        scoping.register(m.Assessment, scoping.ScopeRule(region_field="region", roles=roles))
        scoping.register(m.AssessmentNeed, scoping.ScopeRule(region_field="assessment__region", roles=roles))
        # In the household's history (and its members'), with their needs.
        audited(m.Assessment, exclude_fields=["updated_at", "version"], about="household")
        audited(m.AssessmentNeed, about="assessment__household")
        from onegate import panels
        from onegate.processing import record

        from .panels import household_panel, person_panel

        panels.register("household", "assessments", panels.Panel(10, "assessments/_panel.html", household_panel))
        panels.register("person", "assessments", panels.Panel(5, "assessments/_panel.html", person_panel))

        kept = "kept with the household (no automatic deletion)"
        record(
            m.Assessment,
            categories=["home visit findings", "DTKS/DTSEN status as found", "summary and recommendation"],
            specific=["financial data (welfare)"],
            purpose="the SLRT back office's needs assessment before a service is decided",
            retention=kept,
        )
        record(
            m.AssessmentNeed,
            categories=["needs by domain and level, for the household or one member"],
            specific=["may describe health or disability"],
            purpose="matching needs with services",
            retention=kept,
        )
