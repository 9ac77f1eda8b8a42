from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from onegate import scoping
from onegate.accounts.models import Role

from .filters import LogEntryFilter

PAGE_SIZE = 50


def _visible_entries(request):
    entries = LogEntry.objects.select_related("actor", "content_type")
    return scoping.restrict(entries, request.user)


@scoping.roles_required(Role.ADMIN, Role.MANAGER)
def trail(request):
    """The audit trail, filtered to one object, one user, one action or a date range."""
    filterset = LogEntryFilter(request.GET or None, queryset=_visible_entries(request), request=request)
    entries = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = Paginator(entries.order_by("-timestamp", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/trail.html", {"filter": filterset, "page": page})


@scoping.roles_required(Role.ADMIN, Role.MANAGER)
def user_trail(request, pk):
    """What one user did, and what was done to their account."""
    subject = scoping.get_scoped_object(request.user, get_user_model(), pk=pk)
    about_subject = Q(content_type__app_label="accounts", content_type__model="user", object_pk=str(subject.pk))
    entries = _visible_entries(request).filter(Q(actor_id=subject.pk) | about_subject)
    page = Paginator(entries.order_by("-timestamp", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/user_trail.html", {"subject": subject, "page": page})
