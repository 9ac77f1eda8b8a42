"""Configuration checks (``manage.py check``, run by migrate and runserver too)."""

from django.conf import settings
from django.core import checks


def portal_address_for_messages(app_configs, **kwargs):
    """A real gateway sends links to the public status page: PORTAL_URL + the path. Without
    PORTAL_URL the resident would get the bare path, which no phone opens."""
    if settings.RESIDENT_MESSAGES_GATEWAY == "console" or settings.PORTAL_URL:
        return []
    return [
        checks.Error(
            f"RESIDENT_MESSAGES_GATEWAY is {settings.RESIDENT_MESSAGES_GATEWAY!r} but PORTAL_URL is empty: "
            "the messages' link to the status page would be a bare path.",
            hint="Set PORTAL_URL to the portal's public address, e.g. https://onegate.example.go.id",
            id="notices.E001",
        )
    ]
