"""Eligible but unserved (/rujukan/kelayakan/): the index of services with their counts in the
user's scope, one service's unserved people (paged, filtered, sorted), their export and the
request of the printed list. Rules and queries live in referrals.unserved."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onegate import jobs, scoping
from onegate.audit import log_export
from onegate.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from onegate.filters import village_options
from onegate.pagination import CappedCountPaginator
from registry.models import Person

from .. import decisions, exports, unserved
from ..hsds import criteria_parts
from ..models import UnservedCount

PAGE_SIZE = 25


class UnservedFilter(forms.Form):
    region = forms.ChoiceField(label=gettext_lazy("Kelurahan/desa"), required=False)
    order = forms.ChoiceField(
        label=gettext_lazy("Sort by"), choices=unserved.ORDERS, required=False, initial=unserved.BY_DECILE
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["region"].choices = [("", gettext_lazy("All in my area")), *village_options(user)]

    def chosen(self) -> tuple[str | None, str]:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["region"] or None, self.cleaned_data["order"] or unserved.BY_DECILE
        return None, unserved.BY_DECILE


@login_required
def unserved_index(request):
    counts = unserved.service_counts(request.user)  # 403 for a role without these lists
    counted = [c.counted_at for c in counts if c.counted_at]
    context = {
        "counts": counts,
        "counted_at": min(counted) if counted else None,
        "can_refresh": unserved.can_refresh(request.user),
    }
    return render(request, "referrals/unserved_index.html", context)


@login_required
@require_POST
def unserved_refresh(request):
    """A manager has the counts made again (by a worker: over a province it takes a while)."""
    if not unserved.can_refresh(request.user):
        raise PermissionDenied("only managers have the counts made again")
    from ..tasks import refresh_unserved_counts

    jobs.send(refresh_unserved_counts)
    messages.success(request, _("The counts are being made again; reload this page in a few minutes."))
    return redirect("referrals:unserved")


def _filtered(request, service, action="view"):
    """The filter form and the service's unserved people it chooses, in its order (candidate rows)."""
    form = UnservedFilter(request.GET or None, user=request.user)
    region, order = form.chosen()
    rows = unserved.candidates(request.user, service, region=region, order=order, action=action)
    return form, region, rows


@login_required
def unserved_list(request, pk):
    unserved.ensure_can_view(request.user)
    service = unserved.listed_service(pk)
    form, region, rows = _filtered(request, service)
    page = CappedCountPaginator(rows.values_list("person_id", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = unserved.page_rows(request.user, list(page.object_list), service, timezone.localdate())
    context = {
        "service": service,
        "form": form,
        "page": page,
        "rows": rows,
        "is_proposal": unserved.is_proposal_list(service),
        "criteria": criteria_parts(service.criteria),
        "decision_required": any(r["drafts"] for r in rows) and decisions.decision_required(),  # drafts' names
        "can_export": scoping.can(request.user, UnservedCount, "export"),
        "query": _query_without_page(request),
        "region": region,
        # Once, not per row: reversing a URL costs more than the rest of a row.
        "person_url": reverse("registry:person-detail", args=[0]).removesuffix("0/"),
        "create_url": reverse("referrals:create"),
    }
    return render(request, "referrals/unserved_list.html", context)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def unserved_export(request, pk, file_format):
    """The service's unserved people in the user's scope, as CSV or XLSX (a national programme's:
    the proposal's columns); every export is audited."""
    scoping.ensure_can(request.user, UnservedCount, "export")
    service = unserved.listed_service(pk)
    form, region, rows = _filtered(request, service, action="export")
    if form.is_bound and not form.is_valid():
        messages.error(request, _("The filters are not valid; nothing was exported."))
        return redirect("referrals:unserved-list", pk)
    count = rows.count()
    filters = {k: v for k, v in request.GET.items() if v and k != "page"} | {"service": service.pk}
    log_export(
        Person, count=count, file_format=file_format, filters=filters, region_id=region or request.user.region_id
    )
    name = f"{'usulan' if unserved.is_proposal_list(service) else 'calon-penerima'}-layanan-{service.pk}"
    if file_format == "csv":
        response = StreamingHttpResponse(
            exports.unserved_csv_lines(rows, service, request.user), content_type=CSV_CONTENT_TYPE
        )
    else:
        response = HttpResponse(exports.unserved_xlsx(rows, service, request.user), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response
