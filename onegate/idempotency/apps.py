from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdempotencyConfig(AppConfig):
    """One-time keys of create forms: a form sent twice makes one record (see __init__.py)."""

    name = "onegate.idempotency"
    label = "idempotency"
    verbose_name = _("Form submissions")
