from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    """Complaint desk (loket): intake, tickets, follow-up (filled by the Complaint desk issue)."""

    name = "complaints"
    verbose_name = _("Complaints")
