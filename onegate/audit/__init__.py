"""The one audit mechanism (django-auditlog underneath).

- :func:`audited` registers a model: each create, update and delete writes a LogEntry in the same
  transaction (auditlog hooks the model's save/delete signals), with the acting user, the values
  before and after, the client address and the request id.
- :func:`log_view` records that a user opened a sensitive page about an object.
- :func:`acting_as` sets the actor outside a request (Celery tasks, management commands).
"""

import contextlib

from django.utils.translation import gettext_noop

# django-auditlog's action names, translated in our own catalogue (the library ships no Indonesian).
AUDITLOG_ACTION_NAMES = (gettext_noop("create"), gettext_noop("update"), gettext_noop("delete"), gettext_noop("access"))


def audited(model, **options):
    from auditlog.registry import auditlog

    auditlog.register(model, serialize_data=False, **options)
    return model


def log_view(obj) -> None:
    """Record that the current actor looked at ``obj`` (a person's page, an export, a PDF)."""
    from auditlog.signals import accessed

    accessed.send(sender=type(obj), instance=obj)


def log_export(model, *, count: int, file_format: str, filters: dict) -> None:
    """Record that the current actor exported ``count`` rows of ``model`` (who, when, which filters)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_pk="export",
        object_repr=f"export {file_format}: {count} {model._meta.verbose_name_plural}",
        action=LogEntry.Action.ACCESS,
        additional_data={"export": file_format, "rows": count, "filters": filters},
    )


@contextlib.contextmanager
def acting_as(user, request_id: str | None = None):
    from auditlog.context import set_actor

    from .request_id import use_request_id

    with use_request_id(request_id), set_actor(user):
        yield


def entries_about(records):
    """The trail's entries about these records (``{Model: pks}``), oldest first: who created,
    changed, deleted or looked at each of them, and when. The access report (UU 27/2022 Pasal 32)
    reads a person's processing trail through it, with the records each capability holds on them."""
    from auditlog import get_logentry_model
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    entry_model = get_logentry_model()
    about = Q()
    types = ContentType.objects.get_for_models(*records)
    for model, pks in records.items():
        keys = [str(pk) for pk in pks]
        if keys:
            about |= Q(content_type=types[model], object_pk__in=keys)
    if not about:
        return entry_model.objects.none()
    return entry_model.objects.filter(about).select_related("actor", "content_type").order_by("timestamp", "pk")
