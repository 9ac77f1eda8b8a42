"""The reports page: what the user may ask for, their requests with a live progress bar, and the
downloads (scoped and audited)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from onegate import idempotency, scoping
from onegate.forms import add_service_errors
from referrals import unserved
from registry.selectors import people_visible_to

from .. import kinds, services
from ..forms import FORMS
from ..models import ReportRequest, ReportType

PER_PAGE = 25


@login_required
def report_list(request):
    scoping.ensure_can(request.user, ReportRequest, scoping.VIEW)
    reports = services.visible_reports(request.user).select_related("scope_region", "scope_agency")
    page = Paginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    offered = [kind for kind in kinds.requestable_by(request.user) if kind.type in FORMS]
    context = {"page": page, "offered": offered, "polling": any(r.is_pending for r in page)}
    if request.htmx:
        return render(request, "reports/_table.html", context)
    return render(request, "reports/list.html", context)


@login_required
def report_new(request, report_type):
    if report_type not in FORMS:
        raise Http404("no such report form")
    kind = kinds.get(report_type)
    if not kind.can_request(request.user):
        raise PermissionDenied(f"{report_type} reports are not for this role")
    if repeat := idempotency.answer_repeat(request):
        return repeat
    form = FORMS[report_type](request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            report = idempotency.create_once(
                request.user,
                idempotency.key_of(request),
                lambda: services.request_report(
                    user=request.user,
                    report_type=report_type,
                    request_id=getattr(request, "request_id", ""),
                    **form.request_arguments(),
                ),
                result_url=lambda r: r.get_absolute_url(),
            )
        except idempotency.Repeated as repeated:
            return idempotency.already_saved(request, repeated.submission)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(report)
    return render(request, "reports/new.html", {"form": form, "kind": kind})


@login_required
@require_POST
def report_person_profile(request, person_pk):
    """Asked from a person's page."""
    person = scoping.get_scoped_object(request.user, people_visible_to(request.user), pk=person_pk)
    report = services.request_report(
        user=request.user,
        report_type=ReportType.PERSON_PROFILE,
        person=person,
        request_id=getattr(request, "request_id", ""),
    )
    return redirect(report)


@login_required
@require_POST
def report_unserved(request, service_pk):
    """The printed list of a service's unserved people, asked from its page (referrals.unserved):
    the requester's area, or the kelurahan the page was filtered to (which must lie inside it)."""
    unserved.ensure_can_view(request.user)
    service = unserved.listed_service(service_pk)
    region = request.POST.get("region", "").strip()
    try:
        report = services.request_report(
            user=request.user,
            report_type=ReportType.UNSERVED_LIST,
            service=service,
            regions=[region] if region else [],
            request_id=getattr(request, "request_id", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("referrals:unserved-list", service.pk)
    return redirect(report)


@login_required
@require_POST
def report_access(request, person_pk):
    """The person's access report (UU 27/2022 Pasal 32), asked from their page by a manager who
    can see them: 404 for a person out of scope, 403 for a role that may not ask."""
    person = scoping.get_scoped_object(request.user, people_visible_to(request.user), pk=person_pk)
    report = services.request_report(
        user=request.user,
        report_type=ReportType.ACCESS_REPORT,
        person=person,
        request_id=getattr(request, "request_id", ""),
    )
    return redirect(report)


@login_required
def report_detail(request, pk):
    report = services.report_for(request.user, pk)
    kind = kinds.get(report.report_type)
    context = {
        "report": report,
        "parameters": _parameters(report),
        "can_download": kind.can_request(request.user) and kind.can_download(request.user, report),
    }
    return render(request, "reports/detail.html", context)


@login_required
def report_progress(request, pk):
    """Polled by htmx while the report is queued or rendering; once it has finished the page reloads."""
    report = services.report_for(request.user, pk)
    if not report.is_pending:
        return HttpResponseClientRefresh()
    return render(request, "reports/_progress.html", {"report": report})


@login_required
def report_download(request, pk):
    report = services.report_for(request.user, pk)
    path = services.open_for_download(request.user, report)
    name = f"{report.report_type.replace('_', '-')}-{report.pk}-{report.finished_at:%Y%m%d}.pdf"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")


@login_required
def report_download_json(request, pk):
    """The JSON file beside a report's PDF (the access report's data, for machines)."""
    report = services.report_for(request.user, pk)
    path = services.open_for_download(request.user, report, "json")
    name = f"{report.report_type.replace('_', '-')}-{report.pk}-{report.finished_at:%Y%m%d}.json"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="application/json")


@login_required
def report_figures(request, pk, file_format):
    report = services.report_for(request.user, pk)
    content = services.figures_file(request.user, report, file_format)
    content_type = (
        "text/csv; charset=utf-8"
        if file_format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{report.report_type.replace("_", "-")}-{report.pk}.{file_format}"'
    )
    return response


def _parameters(report) -> list[tuple[str, str]]:
    from ..scope import RequesterScope

    return kinds.get(report.report_type).parameters(report, RequesterScope.of_report(report))
