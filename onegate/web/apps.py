from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class WebConfig(AppConfig):
    """Shared screens: layout, home page per role, health check, demo data of the core."""

    name = "onegate.web"
    label = "web"
    verbose_name = _("Portal")

    def ready(self):
        from onegate import navigation
        from onegate.accounts.models import Role

        everyone = frozenset(Role.values)
        navigation.register(navigation.NavItem("home", _("Home"), "home", everyone, order=0))
        navigation.register(
            navigation.NavItem("regions", _("Regions"), "region-list", everyone - {Role.AGENCY}, order=80)
        )
        navigation.register(
            navigation.NavItem(
                "audit", _("Audit trail"), "audit:trail", frozenset({Role.ADMIN, Role.MANAGER}), order=90
            )
        )
        navigation.register(
            navigation.NavItem("admin", _("Administration"), "admin:index", frozenset({Role.ADMIN}), order=95)
        )


# django-tables2 ships no Indonesian: its pagination words are translated in our catalogue.
TABLES2_STRINGS = (gettext_noop("previous"), gettext_noop("next"))
