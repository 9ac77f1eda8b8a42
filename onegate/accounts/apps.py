from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "onegate.accounts"
    label = "accounts"
    verbose_name = _("Users and access")

    def ready(self):
        from onegate import scoping
        from onegate.audit import audited

        from . import signals  # noqa: F401  (failed-login logging)
        from .models import DeniedAccess, Role, User

        audited(User, exclude_fields=["password", "last_login"])
        # Staff records: managers oversee everyone working in the portal; administrators manage them.
        scoping.register(User, scoping.ScopeRule(roles={"view": {Role.ADMIN, Role.MANAGER}, "change": {Role.ADMIN}}))
        scoping.register(DeniedAccess, scoping.ScopeRule(roles={"view": {Role.ADMIN, Role.MANAGER}}))
