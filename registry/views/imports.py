"""Importing households and people from a file: upload, preview, confirm or cancel, progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from onegate import idempotency, scoping
from onegate.audit import log_export
from onegate.exports import CSV_CONTENT_TYPE, csv_text
from onegate.forms import add_service_errors

from ..importing import batches
from ..importing.columns import COLUMNS
from ..importing.forms import ImportConfirmForm, ImportUploadForm
from ..importing.problems import for_reader
from ..importing.problems import render as render_message
from ..importing.template import template_csv, template_xlsx
from ..models import ImportBatch, ImportStatus
from ..privacy import nik_for

RECENT_BATCHES = 20
PROBLEMS_PER_PAGE = 100


def _batches(user):
    return scoping.restrict(ImportBatch.objects.select_related("uploaded_by", "region"), user)


def _batch(request, pk, action=scoping.VIEW) -> ImportBatch:
    scoping.ensure_can(request.user, ImportBatch, scoping.VIEW)  # agencies and the front desk: 403
    return scoping.get_scoped_object(request.user, _batches(request.user), action, pk=pk)


@login_required
def import_start(request):
    scoping.ensure_can(request.user, ImportBatch, scoping.ADD)
    if repeat := idempotency.answer_repeat(request):
        return repeat
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = idempotency.create_once(
                request.user,
                idempotency.key_of(request),
                lambda: batches.upload(
                    form.cleaned_data["file"], user=request.user, request_id=getattr(request, "request_id", None)
                ),
                result_url=lambda b: b.get_absolute_url(),
            )
        except idempotency.Repeated as repeated:
            return idempotency.already_saved(request, repeated.submission)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(batch)
    recent = _batches(request.user).order_by("-created_at")[:RECENT_BATCHES]
    return render(request, "registry/import_start.html", {"form": form, "recent": recent, "columns": COLUMNS})


@login_required
def import_template(request, file_format):
    scoping.ensure_can(request.user, ImportBatch, scoping.ADD)
    if file_format == "csv":
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="templat-impor-penduduk.{file_format}"'
    return response


@login_required
def import_detail(request, pk):
    batch = _batch(request, pk)
    errors = Paginator(batch.errors, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "batch": batch,
        "errors": errors,
        "shown_errors": for_reader(errors.object_list, request.user),
        "warnings": for_reader(batch.warnings, request.user),
        "notices": for_reader(batch.notices, request.user),
        "conflicts": for_reader(batch.conflicts, request.user),
        "rejected_kept": bool(batch.invalid_count) and batches.rejected_file_of(batch).exists(),
        "progress": batches.progress_of(batch),
        "confirm_form": ImportConfirmForm(),
        "can_decide": batch.uploaded_by_id == request.user.pk and batch.status == ImportStatus.PREVIEW,
        "stored_problems": batches.STORED_PROBLEMS,
    }
    return render(request, "registry/import_detail.html", context)


@login_required
def import_rejected(request, pk):
    """The invalid rows as CSV, with the template's columns the file had and the reasons
    (``alasan``): to correct and upload again. An export of personal data: audited as one."""
    batch = _batch(request, pk)
    kept = batches.rejected_rows(batch)
    if kept is None:
        raise Http404("no rejected rows kept for this batch")
    columns, rows = kept
    numbers = [i for i, column in enumerate(columns) if column in ("nik", "no_kk")]
    for _line, cells, reasons in rows:
        for i in numbers:
            cells[i] = nik_for(request.user, cells[i])
        cells.append("; ".join(f"{column}: {render_message(stored)}" for column, stored in reasons))
    log_export(
        ImportBatch,
        count=len(rows),
        file_format="csv",
        filters={"import_batch": batch.pk, "rows": "rejected"},
        region_id=batch.region_id,
    )
    text = csv_text([*columns, "alasan"], (cells for _line, cells, _reasons in rows))
    response = HttpResponse(text, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="impor-{batch.pk}-baris-ditolak.csv"'
    return response


@login_required
def import_progress(request, pk):
    """Polled by htmx while a task runs; once it has finished the page reloads itself."""
    batch = _batch(request, pk)
    if batch.status != ImportStatus.PROCESSING:
        return HttpResponseClientRefresh()
    return render(request, "registry/_import_progress.html", {"batch": batch, "progress": batches.progress_of(batch)})


@login_required
@require_POST
def import_confirm(request, pk):
    batch = _batch(request, pk, scoping.CHANGE)
    form = ImportConfirmForm(request.POST)
    form.is_valid()
    try:
        batches.confirm(
            batch,
            user=request.user,
            nik_warnings_checked=form.cleaned_data.get("nik_checked", False),
            request_id=getattr(request, "request_id", None),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(batch)
    batch.refresh_from_db()
    if batch.status == ImportStatus.DONE:
        messages.success(
            request,
            _(
                "Imported: %(new)d new and %(changed)d changed people. New records are drafts: submit them for verification."
            )
            % {"new": batch.new_count, "changed": batch.changed_count},
        )
    elif batch.status == ImportStatus.FAILED:
        messages.error(request, batch.failure_text)
    return redirect(batch)


@login_required
@require_POST
def import_cancel(request, pk):
    batch = _batch(request, pk, scoping.CHANGE)
    try:
        batches.cancel(batch, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Import cancelled: nothing was saved and the file was deleted."))
    return redirect("registry:import-start")
