from collections import defaultdict
from functools import partial

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils.encoding import smart_str

from onegate import scoping
from onegate.accounts.models import Role

from .filters import LogEntryFilter

PAGE_SIZE = 50


def _visible_entries(request):
    entries = LogEntry.objects.select_related("actor", "content_type")
    return scoping.restrict(entries, request.user)


def _paged(request, entries):
    page = Paginator(entries.order_by("-timestamp", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _with_related_names(page.object_list)
    return page


def _foreign_keys(entry):
    """(field, value) for each value of a changed foreign key in the entry, as changes_display_dict sees them."""
    model = entry.content_type.model_class()
    if model is None:
        return
    for name, values in entry.changes_dict.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if (
            getattr(field, "choices", None)
            or not field.concrete
            or field.get_internal_type() not in ("ForeignKey", "OneToOneField")
        ):
            continue
        for value in values:
            yield field, str(value)


def _related_pk(field, value):
    if value == "None":
        return None
    try:
        return field.related_model._meta.pk.to_python(value)
    except ValidationError:
        return None


def _with_related_names(entries) -> list:
    """The page's entries, with the records their changed foreign keys point to read in one query
    per model (with what their __str__ reads, a model's ``str_prefetch``): auditlog's
    changes_display_dict reads each of them with a query of its own."""
    entries = list(entries)
    wanted = defaultdict(set)
    for entry in entries:
        for field, value in _foreign_keys(entry):
            if (pk := _related_pk(field, value)) is not None:
                wanted[field.related_model].add(pk)
    use_base = getattr(settings, "AUDITLOG_USE_BASE_MANAGER", False)
    names = {}
    for model, pks in wanted.items():
        manager = model._meta.base_manager if use_base else model._meta.default_manager
        records = manager.prefetch_related(*getattr(model, "str_prefetch", ())).in_bulk(list(pks))
        names[model] = {pk: smart_str(obj) for pk, obj in records.items()}
    for entry in entries:
        entry._get_changes_display_for_fk_field = partial(_related_name, names)
    return entries


def _related_name(names, field, value):
    """Stands in for LogEntry._get_changes_display_for_fk_field, reading from ``names``."""
    pk = _related_pk(field, value)
    if pk is None:
        return value
    found = names.get(field.related_model, {}).get(pk)
    return found if found is not None else f"Deleted '{field.related_model.__name__}' ({value})"


@scoping.roles_required(Role.ADMIN, Role.MANAGER)
def trail(request):
    """The audit trail, filtered to one object, one user, one action or a date range."""
    filterset = LogEntryFilter(request.GET or None, queryset=_visible_entries(request), request=request)
    entries = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = _paged(request, entries)
    return render(request, "audit/trail.html", {"filter": filterset, "page": page})


@scoping.roles_required(Role.ADMIN, Role.MANAGER)
def user_trail(request, pk):
    """What one user did, and what was done to their account."""
    subject = scoping.get_scoped_object(request.user, get_user_model(), pk=pk)
    about_subject = Q(content_type__app_label="accounts", content_type__model="user", object_pk=str(subject.pk))
    entries = _visible_entries(request).filter(Q(actor_id=subject.pk) | about_subject)
    page = _paged(request, entries)
    return render(request, "audit/user_trail.html", {"subject": subject, "page": page})
