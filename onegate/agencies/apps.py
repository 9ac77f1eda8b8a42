from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "onegate.agencies"
    label = "agencies"
    verbose_name = _("Agencies")

    def ready(self):
        from onegate.audit import audited

        from .models import Agency

        audited(Agency, exclude_fields=["officers"])
