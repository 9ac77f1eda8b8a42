from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    """Cross-agency referrals and the service directory (filled by the Referral issue)."""

    name = "referrals"
    verbose_name = _("Referrals")
