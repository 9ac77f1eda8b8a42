from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from .health import check_database


@shared_task
def ping() -> dict:
    """A round trip through the broker: the worker answers and says whether it reaches the database."""
    return {"pong": True, "database": check_database() or "ok"}


@shared_task
def purge_expired_sessions() -> int:
    """Delete sessions past their expiry (idle logouts leave them behind); returns how many."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
