"""The service directory every staff member can search, and its HSDS 3 export."""

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from ..filters import ServiceFilter
from ..hsds import Directory, criteria_of, criteria_parts, exported_services
from ..models import Service

PAGE_SIZE = 20


def _services():
    return (
        Service.objects.filter(agency__is_active=True)
        .select_related("agency", "area")
        .prefetch_related("required_documents", "schedules")
    )


@login_required
def directory(request):
    filterset = ServiceFilter(request.GET or None, queryset=_services().order_by("agency__name", "name"))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page": page, "query": query.urlencode()}
    template = "referrals/_directory_results.html" if request.htmx else "referrals/directory.html"
    return render(request, template, context)


@login_required
def service_detail(request, pk):
    service = get_object_or_404(
        _services()
        .select_related("criteria__area")
        .prefetch_related("contacts", "agency__contacts", "criteria__ppks_categories"),
        pk=pk,
        agency__is_active=True,
    )
    # What the suggestions and the unserved lists check, beside the free text for people.
    criteria = criteria_parts(criteria_of(service))
    return render(request, "referrals/service_detail.html", {"service": service, "criteria": criteria})


def _attachment(response, extension):
    response["Content-Disposition"] = (
        f'attachment; filename="direktori-layanan-hsds-{timezone.localdate():%Y%m%d}.{extension}"'
    )
    return response


@login_required
def hsds_json(request):
    page = Directory(exported_services()).as_json_page()
    return _attachment(
        HttpResponse(json.dumps(page, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"),
        "json",
    )


@login_required
def hsds_zip(request):
    return _attachment(HttpResponse(Directory(exported_services()).as_zip(), content_type="application/zip"), "zip")
