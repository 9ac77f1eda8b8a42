from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """PDF reports rendered by Celery workers, and the dashboard (filled by the Reports issue)."""

    name = "reports"
    verbose_name = _("Reports")
