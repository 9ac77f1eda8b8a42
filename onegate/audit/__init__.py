"""The one audit mechanism (django-auditlog underneath), and the only writer of audit entries.

- :func:`audited` registers a model: each create, update and delete writes an entry in the same
  transaction (auditlog hooks the model's save/delete signals), with the acting user, the values
  before and after, the client address, the request id, and where the object lies (its region and
  agency, so the trail is scoped like the records) and what it is about (a profile → its person).
- :func:`log_view` records that a user opened a sensitive page about an object.
- :func:`log_event` records something done to an object beside its field changes (a merge).
- :func:`log_export` records an export; :class:`bulk.BulkTrail` the entries of a bulk write (import).
- :func:`acting_as` sets the actor outside a request (Celery tasks, management commands).
- :func:`history_entries` reads an object's entries and those of the records about it (one indexed
  lookup); :func:`history` the same as a reader sees them; :func:`records_about_q` the records
  about an object a reader may see; :func:`entries_about` the entries of given records.
"""

import contextlib

from django.utils.translation import gettext_noop

from . import placement

# django-auditlog's action names, translated in our own catalogue (the library ships no Indonesian).
AUDITLOG_ACTION_NAMES = (gettext_noop("create"), gettext_noop("update"), gettext_noop("delete"), gettext_noop("access"))

_FROM_SCOPE_RULE = object()


def audited(model, *, region=_FROM_SCOPE_RULE, agency=_FROM_SCOPE_RULE, about=None, identifiers=(), **options):
    """Audit ``model``'s changes. ``region``/``agency``: lookup paths placing an object (by default
    those of its scope rule, registered before); ``about``: ``placement.SELF`` or the foreign key of
    the record its entries are about; ``identifiers``: fields holding an identity number."""
    from auditlog.registry import auditlog

    from onegate import scoping

    rule = scoping.registered_rule(model)
    if region is _FROM_SCOPE_RULE:
        region = rule.region_field if rule else None
    if agency is _FROM_SCOPE_RULE:
        agency = rule.agency_field if rule else None
    placement.register(
        model, placement.Placement(region=region, agency=agency, about=about, identifiers=tuple(identifiers))
    )
    auditlog.register(model, serialize_data=False, **options)
    return model


def entry_model():
    from auditlog import get_logentry_model

    return get_logentry_model()


def log_view(obj) -> None:
    """Record that the current actor looked at ``obj`` (a person's page, an export, a PDF)."""
    from auditlog.signals import accessed

    accessed.send(sender=type(obj), instance=obj)


def log_event(obj, changes: dict, *, actor=None, additional_data: dict | None = None) -> None:
    """Record an update of ``obj`` that is more than its field changes (``changes``: {what: [before, after]})."""
    LogEntry = entry_model()
    LogEntry.objects.log_create(
        obj,
        action=LogEntry.Action.UPDATE,
        changes=changes,
        actor=actor,
        additional_data=additional_data,
        force_log=True,
    )


def log_export(model, *, count: int, file_format: str, filters: dict, region_id: str | None = None) -> None:
    """Record that the current actor exported ``count`` rows of ``model`` (who, when, which filters),
    placed in the region the export covered (``region_id``, None: everywhere)."""
    from django.contrib.contenttypes.models import ContentType

    LogEntry = entry_model()
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_pk="export",
        object_repr=f"export {file_format}: {count} {model._meta.verbose_name_plural}",
        action=LogEntry.Action.ACCESS,
        region_id=region_id,
        additional_data={"export": file_format, "rows": count, "filters": filters},
    )


def history_entries(obj):
    """Every entry about ``obj``: its own and those of the records about it (a person's profiles,
    PPKS records, programme receipts), newest first; views left in, for the caller to keep or not."""
    from django.contrib.contenttypes.models import ContentType

    return (
        entry_model()
        .objects.filter(about_type=ContentType.objects.get_for_model(type(obj)), about_id=obj.pk)
        .order_by("-timestamp", "-pk")
    )


def records_about_q(obj, user):
    """A filter on entries: those of the records about ``obj`` (their placement's ``about``: a
    household's assessments and needs) whose kind ``user``'s role may read. Their place is the
    records' own, checked by the caller's scope of ``obj``."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from onegate import scoping

    kinds = [model for model in scoping.scoped_models() if scoping.can(user, model)]
    return Q(
        about_type=ContentType.objects.get_for_model(type(obj)),
        about_id=obj.pk,
        content_type__in=list(ContentType.objects.get_for_models(*kinds).values()),
    )


def history(obj, user, limit: int = 20) -> list:
    """The changes about ``obj`` (its own and its records'), newest first, readable by ``user``; the
    openings of pages are in the trail, for those who may read it."""
    from .display import readable

    entries = history_entries(obj).exclude(action=entry_model().Action.ACCESS).select_related("actor", "content_type")
    return readable(entries[:limit], user)


def current_actor():
    """The user the entries written now are recorded as done by: in a request, the signed-in user
    (AuditActorMiddleware); in a task or command, the one of :func:`acting_as`; else None."""
    from auditlog.context import auditlog_value

    try:
        return auditlog_value.get().get("actor")
    except LookupError:
        return None


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
