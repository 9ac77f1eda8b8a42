"""How long the trail keeps what: changes for good, records of who opened a page for
AUDIT_VIEW_RETENTION_DAYS (they say who looked at whom; kept no longer than needed)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import entry_model

BATCH_SIZE = 5000


def purge_old_views(*, batch_size: int = BATCH_SIZE) -> int:
    """Delete view entries older than the retention period, ``batch_size`` at a time (each batch
    its own short transaction: no long lock, nothing lost if the job stops halfway); returns how many."""
    LogEntry = entry_model()
    cutoff = timezone.now() - datetime.timedelta(days=settings.AUDIT_VIEW_RETENTION_DAYS)
    old_views = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, timestamp__lt=cutoff)
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(old_views.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not batch:
                return deleted
            deleted += LogEntry.objects.filter(pk__in=batch).delete()[0]
