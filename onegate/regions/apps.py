from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "onegate.regions"
    label = "regions"
    verbose_name = _("Regions")

    def ready(self):
        from onegate import reference_cache

        from .models import Region

        reference_cache.register(Region)  # every list's kelurahan/desa choices
