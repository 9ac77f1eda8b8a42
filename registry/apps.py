from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """Beneficiary registry: households, people and their profiles (filled by the Registry issue)."""

    name = "registry"
    verbose_name = _("Beneficiary registry")
