from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-portal notifications with an unread count in the menu bar, and their emails. Capabilities
    create them through :func:`onegate.notifications.services.notify`; the app imports none."""

    name = "onegate.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
