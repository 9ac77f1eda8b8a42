from celery import shared_task

from . import merging


@shared_task
def find_duplicates(full: bool = False) -> int:
    """Store the likely duplicates among people added or changed since the last scan (``full``: all people)."""
    return merging.refresh_duplicate_pairs(full=full)
