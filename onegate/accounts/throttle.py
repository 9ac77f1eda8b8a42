"""Login throttling (django-axes, AXES_HANDLER): axes locks a username on one address after
LOGIN_FAILURE_LIMIT failures (AXES_LOCKOUT_PARAMETERS), so colleagues behind one office address keep
working; this handler also pauses an address that failed LOGIN_ADDRESS_FAILURE_LIMIT times over any
usernames within the cool-off time: password spraying, one password tried on many accounts, never
fails twice on the same one.

Axes 8 has one failure limit for all its lockout parameters, and its reset on a successful login
clears every parameter's failures: a failure count per address in AXES_LOCKOUT_PARAMETERS would lock
a whole office at the per-user limit, and one valid login would wipe an attacker's count. Here the
address's count is the sum of axes' own records for that address, and a success clears only the
signed-in username's.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum


def address_failures(request) -> int:
    """Failed logins from the request's client address (axes reads it with onegate.web.client_ip)
    within the cool-off time, whatever the username."""
    attempts = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_is_throttled(request) -> bool:
    return address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


class LoginThrottleHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or address_is_throttled(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False) or not address_is_throttled(request):
            return
        request.axes_locked_out = True  # axes answers with the lockout page
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes",
            request=request,
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        )
