from celery import shared_task
from django.conf import settings

from . import sweep


@shared_task
def sweep_submission_keys() -> int:
    """Forget the one-time keys of create forms older than IDEMPOTENCY_KEY_DAYS."""
    return sweep(older_than_days=settings.IDEMPOTENCY_KEY_DAYS)
