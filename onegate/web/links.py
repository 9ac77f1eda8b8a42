"""Absolute links to the portal, for what leaves it: emails, QR codes on printed letters."""

from django.conf import settings


def absolute_url(path: str, request=None) -> str:
    """``path`` on the portal's public address (settings.PORTAL_URL), else on the address the
    request came in on, else the path alone (a task without a configured address)."""
    if settings.PORTAL_URL:
        return settings.PORTAL_URL.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path
