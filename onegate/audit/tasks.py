from celery import shared_task

from . import retention


@shared_task
def purge_old_views() -> int:
    """Delete the view records (not the changes) older than AUDIT_VIEW_RETENTION_DAYS; returns how many."""
    return retention.purge_old_views()
