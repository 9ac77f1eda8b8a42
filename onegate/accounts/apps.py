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
        scoping.register(
            DeniedAccess,
            scoping.ScopeRule(
                roles={"view": {Role.ADMIN, Role.MANAGER}},
                role_filters={Role.ADMIN: lambda queryset, user: queryset, Role.MANAGER: denied_accesses_in_region},
            ),
        )
        from onegate.processing import record

        record(
            User,
            categories=["staff name, username, email", "role, region and agency"],
            purpose="accounts of the portal's users; who did what in the audit trail",
            retention="kept while the account exists (deactivated, not deleted, so the trail keeps its names)",
        )
        record(
            DeniedAccess,
            categories=["username", "client address", "the page refused"],
            purpose="security: watching refused access",
            retention="kept (no automatic deletion yet)",
        )
        self.forget_cached_users_on_change()

    @staticmethod
    def forget_cached_users_on_change():
        """The signed-in user is cached (backends.ModelBackend): a change to them, their agency or
        their region takes effect on their next request."""
        from django.db.models.signals import post_delete, post_save

        from onegate.agencies.models import Agency
        from onegate.regions.models import Region

        from .backends import forget_agency_officers, forget_region_users, forget_user
        from .models import User

        for signal in (post_save, post_delete):
            signal.connect(forget_user, sender=User)
            signal.connect(forget_agency_officers, sender=Agency)
            signal.connect(forget_region_users, sender=Region)


def denied_accesses_in_region(queryset, user):
    """A manager sees the refusals of the users working in their region; the city-wide managers
    also those of users without a region and of anonymous visitors."""
    from django.db.models import Q

    from onegate import scoping

    if not user.region_id:
        return queryset
    inside = scoping.region_q(user, "user__region")
    return queryset.filter(inside | Q(user__region__isnull=True) if scoping.is_city_wide(user) else inside)
