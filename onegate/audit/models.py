"""The audit trail's one table (django-auditlog's entry, swapped in by AUDITLOG_LOGENTRY_MODEL).

Besides auditlog's columns each entry records, at write time, where its object lay: the region and
the agency (so the trail is scoped like the records themselves, and an entry stays with the region
that held the object then) and the record it is about (a profile's entries are about its person, so
a person's history is one indexed lookup).
"""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.fields.json import KeyTransform
from django.utils.translation import gettext_lazy as _

from . import placement
from .request_id import get_client_request_id


class EntryManager(LogEntryManager):
    def log_create(self, instance, force_log: bool = False, **kwargs):
        """auditlog's writer for every model change and view, with where the object lies."""
        if kwargs.get("changes") is not None or force_log:
            kwargs.update(placement.of(instance))
            client_id = get_client_request_id()
            if client_id:  # beside what auditlog would store (the caller's, or the instance's own)
                own = getattr(instance, "get_additional_data", None)
                data = kwargs.get("additional_data") or (own() if callable(own) else None) or {}
                kwargs["additional_data"] = {**data, "client_request_id": client_id}
        return super().log_create(instance, force_log=force_log, **kwargs)


class LogEntry(AbstractLogEntry):
    # Looked up by equality only: no second index for LIKE 'prefix%' (see Meta.indexes).
    object_pk = models.CharField(max_length=255, verbose_name=_("object id"))
    cid = models.CharField(max_length=255, blank=True, null=True, verbose_name=_("request id"))  # noqa: DJ001 (as auditlog)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    about_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    about_id = models.BigIntegerField(null=True, blank=True)

    objects = EntryManager()

    class Meta(AbstractLogEntry.Meta):
        db_table = "audit_logentry"
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["object_pk"], name="audit_entry_object_pk"),
            models.Index(fields=["cid"], name="audit_entry_cid"),
            models.Index(fields=["about_type", "about_id"], name="audit_entry_about"),
            # The household page's history finds people who joined or left the household by the
            # ``household`` key of their entries' changes (0.25 ms instead of reading every entry).
            GinIndex(
                OpClass(KeyTransform("household", "changes"), name="jsonb_path_ops"), name="audit_entry_household"
            ),
        ]
