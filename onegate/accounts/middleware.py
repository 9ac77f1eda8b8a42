"""Records every access the rules refuse: 403s, and 404s raised for objects outside a scope."""

import logging

from django.core.exceptions import PermissionDenied

from onegate.audit.request_id import get_request_id
from onegate.scoping import OutOfScope
from onegate.web.client_ip import client_ip

from .models import DeniedAccess

security_log = logging.getLogger("onegate.security")


def record_denied_access(request, status: int, reason: str) -> None:
    user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
    DeniedAccess.objects.create(
        user=user,
        username=user.username if user else "",
        method=request.method[:10],
        path=request.get_full_path()[:500],
        status=status,
        reason=reason[:300],
        ip_address=client_ip(request) or None,
        request_id=get_request_id() or "",
    )
    security_log.warning(
        "access denied status=%s user=%s %s %s reason=%s", status, user or "-", request.method, request.path, reason
    )


class DeniedAccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            record_denied_access(request, 403, str(exception) or "permission denied")
        elif isinstance(exception, OutOfScope):
            record_denied_access(request, 404, str(exception) or "outside the user's scope")
        return None
