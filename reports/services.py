"""Report requests: asking, rendering in a worker, the sweep that keeps nothing stuck, expiry and
downloads. Views, the Celery tasks, the monthly schedule and tests call these.

Lifecycle: antri (queued) → diproses (rendering) → siap (ready) | gagal (failed); a ready file is
deleted after settings.REPORT_FILE_DAYS (kedaluwarsa, expired). The message sent to Celery only
names the request; the row decides:
- a worker *claims* a queued request with one UPDATE (antri → diproses, attempts + 1), so a lost
  message is re-sent by the sweep and a repeated one does nothing;
- the render writes its progress with the attempt number it claimed, so a render the sweep has
  given up on can no longer change the request;
- the sweep re-sends requests waiting too long in "antri", and takes back requests with no sign of
  life for too long in "diproses": queued again while attempts remain, failed with the reason after.
"""

import json
import logging
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from onegate import scoping
from onegate.audit import acting_as, log_view

from . import kinds, rendering
from .models import Population, ReportRequest, ReportStatus
from .scope import RequesterScope

log = logging.getLogger(__name__)


# --- Asking ------------------------------------------------------------------------------------
def request_report(*, user, report_type: str, regions=(), period_start=None, period_end=None, person=None,
                   include_unverified: bool = False, population: str = Population.ALL, request_id: str = "") -> ReportRequest:
    """Record the request with the requester's scope and send it to the workers once committed."""
    kind = kinds.get(report_type)
    if not kind.can_request(user):
        raise PermissionDenied(f"{report_type} reports are not for this role")
    report = ReportRequest(
        report_type=report_type, regions=list(regions), period_start=period_start, period_end=period_end, person=person,
        include_unverified=include_unverified, population=population, requested_by=user, scope_role=user.role, scope_region_id=user.region_id,
        scope_agency_id=user.agency_id, request_id=request_id or "",
    )
    kind.check(report, RequesterScope.of_user(user))
    with transaction.atomic():
        report.queued_at = timezone.now()
        report.save()
        if person is not None:
            log_view(person)  # a profile sheet is a look at the person's record
        transaction.on_commit(lambda: enqueue(report.pk))
    return report


def enqueue(report_id: int) -> None:
    """Send the request to the workers. If the broker is down the request stays queued in the
    database and the sweep sends it again."""
    from .tasks import render_report

    try:
        render_report.delay(report_id)
    except Exception:
        log.exception("report %s could not be sent to the workers; the sweep will send it again", report_id)


# --- Rendering (in a worker) -------------------------------------------------------------------
def reports_folder() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "reports"


def file_of(report: ReportRequest) -> Path:
    return reports_folder().parent / report.file_path


class ProgressWriter:
    """Writes the render's progress (and so its sign of life) to the request it claimed."""

    def __init__(self, report_id: int, attempt: int, start: int = 5, end: int = 95):
        self.report_id, self.attempt, self.start, self.end = report_id, attempt, start, end
        self.last = None

    def __call__(self, fraction: float) -> None:
        percent = int(self.start + (self.end - self.start) * min(max(fraction, 0.0), 1.0))
        if percent == self.last:
            return
        self.last = percent
        ReportRequest.objects.filter(pk=self.report_id, status=ReportStatus.RUNNING, attempts=self.attempt).update(
            progress=percent, heartbeat_at=timezone.now()
        )


def run(report_id: int) -> str:
    """Render a queued request; returns the status it ended in (or found)."""
    now = timezone.now()
    claimed = ReportRequest.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
        status=ReportStatus.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1, progress=0, error=""
    )
    report = ReportRequest.objects.select_related("requested_by", "person").filter(pk=report_id).first()
    if report is None or not claimed:
        return report.status if report else "missing"  # another delivery has it, or it is done
    progress = ProgressWriter(report.pk, report.attempts)
    progress(0)
    folder = reports_folder() / f"{now:%Y/%m}"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}.pdf"
    try:
        with acting_as(report.requested_by, report.request_id or None), translation.override(settings.LANGUAGE_CODE):
            data, pages = _render(report, target, progress)
    except Exception as exc:
        target.unlink(missing_ok=True)
        log.exception("report %s failed", report.pk)
        return _fail(report, _reason(exc))
    finished = timezone.now()
    done = ReportRequest.objects.filter(pk=report.pk, status=ReportStatus.RUNNING, attempts=report.attempts).update(
        status=ReportStatus.READY, progress=100, finished_at=finished, heartbeat_at=finished,
        file_path=str(target.relative_to(reports_folder().parent)), size=target.stat().st_size, page_count=pages,
        expires_at=finished + timedelta(days=settings.REPORT_FILE_DAYS), data=data,
    )
    if not done:  # the sweep took the request back meanwhile: this file is nobody's
        target.unlink(missing_ok=True)
    return ReportRequest.objects.get(pk=report.pk).status


def _render(report: ReportRequest, target: Path, progress) -> tuple[dict, int]:
    """Gather the figures (first 30 % of the progress bar), then render them."""
    kind = kinds.get(report.report_type)
    document = kind.document(report, RequesterScope.of_report(report), lambda fraction: progress(0.3 * fraction))
    pages = rendering.render(document, target, lambda fraction: progress(0.3 + 0.7 * fraction))
    # Plain JSON (labels may be lazy translations), written with the finished request.
    return json.loads(json.dumps(document.data, cls=DjangoJSONEncoder)), pages


def _reason(exc: Exception) -> str:
    if isinstance(exc, rendering.RenderError):
        return str(exc)
    if isinstance(exc, Http404):
        return _("What the report is about is no longer within the requester's scope.")
    if isinstance(exc, (PermissionDenied, ValidationError)):
        return _("The requester may no longer see what the report is about.")
    return _("Unexpected error while preparing the report (%(error)s). Request it again; if it fails again, tell the administrator.") % {
        "error": type(exc).__name__
    }


def _fail(report: ReportRequest, reason: str) -> str:
    ReportRequest.objects.filter(pk=report.pk, status=ReportStatus.RUNNING, attempts=report.attempts).update(
        status=ReportStatus.FAILED, error=reason, finished_at=timezone.now()
    )
    return ReportRequest.objects.get(pk=report.pk).status


# --- Keeping nothing stuck ---------------------------------------------------------------------
def sweep(now=None) -> dict:
    """Re-send requests waiting too long in the queue; take back renders with no sign of life
    (queued again while attempts remain, otherwise failed with the reason). Run every minute."""
    now = now or timezone.now()
    resent = retried = failed = 0
    with transaction.atomic():
        waiting = ReportRequest.objects.select_for_update(skip_locked=True).filter(
            status=ReportStatus.QUEUED, queued_at__lt=now - timedelta(minutes=settings.REPORT_RESEND_QUEUED_MINUTES)
        )
        for report in waiting:
            report.queued_at = now
            report.save(update_fields=["queued_at"])
            transaction.on_commit(lambda pk=report.pk: enqueue(pk))
            resent += 1
        stalled_minutes = settings.REPORT_STALLED_MINUTES
        stalled = ReportRequest.objects.select_for_update(skip_locked=True).filter(
            status=ReportStatus.RUNNING, heartbeat_at__lt=now - timedelta(minutes=stalled_minutes)
        )
        for report in stalled:
            if report.attempts < settings.REPORT_MAX_ATTEMPTS:
                report.status, report.queued_at, report.progress = ReportStatus.QUEUED, now, 0
                report.save(update_fields=["status", "queued_at", "progress"])
                transaction.on_commit(lambda pk=report.pk: enqueue(pk))
                retried += 1
            else:
                report.status, report.finished_at = ReportStatus.FAILED, now
                report.error = _(
                    "The render stopped without finishing: no sign of life for %(minutes)s minutes, %(attempts)s attempts "
                    "(a worker was probably stopped or ran out of memory). Request the report again."
                ) % {"minutes": stalled_minutes, "attempts": report.attempts}
                report.save(update_fields=["status", "finished_at", "error"])
                failed += 1
    return {"resent": resent, "retried": retried, "failed": failed}


def purge_expired(now=None) -> int:
    """Delete the files of reports past their expiry (the request stays, marked expired) and the
    work folders a stopped render left behind; returns how many reports expired."""
    now = now or timezone.now()
    expired = 0
    for report in ReportRequest.objects.filter(status=ReportStatus.READY, expires_at__lt=now):
        if report.file_path:
            file_of(report).unlink(missing_ok=True)
        ReportRequest.objects.filter(pk=report.pk, status=ReportStatus.READY).update(status=ReportStatus.EXPIRED, file_path="")
        expired += 1
    work = reports_folder() / "tmp"
    if work.is_dir():
        import shutil

        for folder in work.iterdir():
            if folder.stat().st_mtime < (now - timedelta(hours=3)).timestamp():
                shutil.rmtree(folder, ignore_errors=True)
    return expired


# --- Seeing and downloading ----------------------------------------------------------------------
def visible_reports(user):
    return scoping.restrict(ReportRequest.objects.select_related("requested_by", "person"), user)


def report_for(user, pk: int) -> ReportRequest:
    scoping.ensure_can(user, ReportRequest, scoping.VIEW)
    return scoping.get_scoped_object(user, visible_reports(user), pk=pk)


def open_for_download(user, report: ReportRequest) -> Path:
    """The file of a ready report, for a user who may see it and still may ask for its kind; the
    download is written in the audit trail (and, for a profile, in the person's view log)."""
    if not kinds.get(report.report_type).can_request(user):
        raise PermissionDenied("this role may not download this kind of report")
    if not report.is_ready or not file_of(report).is_file():
        raise Http404("the report has no file (not ready, or expired)")
    log_view(report)
    if report.person_id:
        log_view(report.person)
    return file_of(report)
