from celery import shared_task

from . import services


@shared_task
def send_notification_emails() -> int:
    """The emails of notifications not yet sent (beat runs it every minute); returns how many."""
    return services.send_pending_emails()
