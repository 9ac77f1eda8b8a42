"""Celery tasks for big imports: thin wrappers around the batch services, acting as the uploader
with the request id of the upload or confirmation, so the audit rows name them."""

from celery import shared_task

from onegate.audit import acting_as

from ..models import ImportBatch
from . import batches


def _batch(batch_id: int) -> ImportBatch:
    return ImportBatch.objects.select_related("uploaded_by__region").get(pk=batch_id)


@shared_task
def preview_import(batch_id: int) -> str:
    batch = _batch(batch_id)
    if batch.is_checking:
        with acting_as(batch.uploaded_by, batch.request_id or None):
            batches.run_preview(batch)
    return ImportBatch.objects.get(pk=batch_id).status


@shared_task
def apply_import(batch_id: int) -> str:
    batch = _batch(batch_id)
    if batch.is_writing:  # a redelivered task after the batch was written does nothing
        with acting_as(batch.uploaded_by, batch.request_id or None):
            batches.run_apply(batch)
    return ImportBatch.objects.get(pk=batch_id).status


@shared_task
def purge_stale_imports() -> int:
    return batches.purge_stale()


@shared_task
def resend_unsent_imports() -> int:
    return batches.resend_unsent()
