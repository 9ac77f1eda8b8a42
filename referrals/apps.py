from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    """Cross-agency referrals and the service directory."""

    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from onegate import navigation
        from onegate.accounts.models import Role
        from onegate.audit import audited

        from . import demo  # noqa: F401  (registers the referral demo steps)
        from . import models as m

        for model in (m.Service, m.RequiredDocument, m.ServiceSchedule, m.Contact):
            audited(model, exclude_fields=["updated_at"])

        everyone = frozenset(Role.values)
        navigation.register(navigation.NavItem("directory", _("Service directory"), "referrals:directory", everyone, order=40))
