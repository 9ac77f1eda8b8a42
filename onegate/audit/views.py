from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from onegate import scoping
from onegate.accounts.models import Role

from .display import readable
from .filters import LogEntryFilter
from .models import LogEntry

PAGE_SIZE = 50


def visible_entries(user):
    """The entries ``user`` may read: those of objects inside their scope when written."""
    return scoping.restrict(LogEntry.objects.select_related("actor", "content_type"), user)


def _paged(request, entries):
    page = Paginator(entries.order_by("-timestamp", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = readable(page.object_list, request.user)
    return page


@scoping.roles_required(Role.ADMIN, Role.MANAGER)
def trail(request):
    """The audit trail, filtered to one object, one user, one action or a date range."""
    filterset = LogEntryFilter(request.GET or None, queryset=visible_entries(request.user), request=request)
    entries = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = _paged(request, entries)
    return render(request, "audit/trail.html", {"filter": filterset, "page": page})


@scoping.roles_required(Role.ADMIN, Role.MANAGER)
def user_trail(request, pk):
    """What one user did, and what was done to their account (within the reader's scope)."""
    subject = scoping.get_scoped_object(request.user, get_user_model(), pk=pk)
    about_subject = Q(content_type__app_label="accounts", content_type__model="user", object_pk=str(subject.pk))
    entries = visible_entries(request.user).filter(Q(actor_id=subject.pk) | about_subject)
    page = _paged(request, entries)
    return render(request, "audit/user_trail.html", {"subject": subject, "page": page})
