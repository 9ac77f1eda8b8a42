"""Failed logins go to the security log too (django-axes also keeps them in the database)."""

import logging

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

security_log = logging.getLogger("onegate.security")


@receiver(user_login_failed)
def log_failed_login(sender, credentials, request=None, **kwargs):
    ip = request.META.get("REMOTE_ADDR") if request is not None else None
    security_log.warning("login failed username=%s ip=%s", credentials.get("username", "?"), ip)
