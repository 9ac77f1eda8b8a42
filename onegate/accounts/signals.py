"""Failed logins go to the security log too (django-axes also keeps them in the database); a
login marks when the session was signed in, for its absolute lifetime."""

import logging
import time

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from onegate.web.client_ip import client_ip
from onegate.web.middleware import SessionRenewalMiddleware

security_log = logging.getLogger("onegate.security")


@receiver(user_login_failed)
def log_failed_login(sender, credentials, request=None, **kwargs):
    ip = client_ip(request) if request is not None else None  # the address axes throttles
    security_log.warning("login failed username=%s ip=%s", credentials.get("username", "?"), ip)


@receiver(user_logged_in)
def mark_signed_in_at(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SessionRenewalMiddleware.SIGNED_IN_AT] = int(time.time())
