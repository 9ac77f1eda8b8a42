"""Report requests: asking, rendering in a worker, the sweep that keeps nothing stuck, expiry and
downloads. Views, the Celery tasks, the monthly schedule and tests call these.

Lifecycle: antri (queued) → diproses (rendering) → siap (ready) | gagal (failed); a ready file is
deleted after settings.REPORT_FILE_DAYS (kedaluwarsa, expired). The message sent to Celery only
names the request; the row decides:
- a worker *claims* a queued request with one UPDATE (antri → diproses, attempts + 1), so a lost
  message is re-sent by the sweep and a repeated one does nothing;
- the render writes its progress with the attempt number it claimed, so a render the sweep has
  given up on can no longer change the request;
- a thread of the worker writes a sign of life (heartbeat) on the request while it renders;
- the sweep re-sends requests waiting too long in "antri" (never sent while Redis was down, or the
  message lost), and takes back requests with no sign of life for too long in "diproses" (the
  worker died): queued again while attempts remain, failed with the reason after.
"""

import datetime
import json
import logging
import threading
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from onegate import exports, jobs, scoping
from onegate.accounts.models import Role, User
from onegate.audit import acting_as, log_export, log_view
from onegate.private_files import private_folder

from . import kinds, rendering
from .models import Population, ReportRequest, ReportStatus, ReportType
from .scope import RequesterScope

log = logging.getLogger(__name__)


# --- Asking ------------------------------------------------------------------------------------
def request_report(
    *,
    user,
    report_type: str,
    regions=(),
    period_start=None,
    period_end=None,
    person=None,
    service=None,
    include_unverified: bool = False,
    population: str = Population.ALL,
    request_id: str = "",
) -> ReportRequest:
    """Record the request with the requester's scope and send it to the workers once committed."""
    kind = kinds.get(report_type)
    if not kind.can_request(user):
        raise PermissionDenied(f"{report_type} reports are not for this role")
    report = ReportRequest(
        report_type=report_type,
        regions=list(regions),
        period_start=period_start,
        period_end=period_end,
        person=person,
        service=service,
        include_unverified=include_unverified,
        population=population,
        requested_by=user,
        scope_role=user.role,
        scope_region_id=user.region_id,
        scope_agency_id=user.agency_id,
        request_id=request_id or "",
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

    jobs.send(render_report, report_id)


# --- Rendering (in a worker) -------------------------------------------------------------------
def reports_folder() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "reports"


SIDE_FILES = ("json",)  # files a kind writes beside its PDF (the access report's JSON)


def _remove_outputs(target: Path) -> None:
    target.unlink(missing_ok=True)
    for suffix in SIDE_FILES:
        target.with_suffix(f".{suffix}").unlink(missing_ok=True)


def file_of(report: ReportRequest) -> Path:
    return reports_folder().parent / report.file_path


class Heartbeat:
    """A sign of life on the claimed request every settings.REPORT_HEARTBEAT_SECONDS while its render
    runs, from a thread of the worker: one part of a big PDF can take minutes without a step of
    progress, and only a render whose worker died falls silent (the sweep then takes it back)."""

    def __init__(self, report_id: int, attempt: int):
        self.report_id, self.attempt = report_id, attempt
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"report-{report_id}-heartbeat", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(settings.REPORT_HEARTBEAT_SECONDS):
                mine = ReportRequest.objects.filter(
                    pk=self.report_id, status=ReportStatus.RUNNING, attempts=self.attempt
                ).update(heartbeat_at=timezone.now())
                if not mine:  # the sweep took the request back: stay silent
                    return
        except Exception:  # the database went away: the render will fail or be taken back anyway
            log.exception("report %s: the heartbeat stopped", self.report_id)
        finally:
            connection.close()  # this thread's own connection


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
    folder = private_folder(reports_folder() / f"{now:%Y/%m}")
    target = folder / f"{uuid.uuid4().hex}.pdf"
    try:
        with (
            Heartbeat(report.pk, report.attempts),
            acting_as(report.requested_by, report.request_id or None),
            translation.override(settings.LANGUAGE_CODE),
        ):
            data, pages = _render(report, target, progress)
    except Exception as exc:
        _remove_outputs(target)
        log.exception("report %s failed", report.pk)
        return _fail(report, _reason(exc))
    finished = timezone.now()
    done = ReportRequest.objects.filter(pk=report.pk, status=ReportStatus.RUNNING, attempts=report.attempts).update(
        status=ReportStatus.READY,
        progress=100,
        finished_at=finished,
        heartbeat_at=finished,
        file_path=str(target.relative_to(reports_folder().parent)),
        size=target.stat().st_size,
        page_count=pages,
        expires_at=finished + timedelta(days=settings.REPORT_FILE_DAYS),
        data=data,
    )
    if not done:  # the sweep took the request back meanwhile: this file is nobody's
        _remove_outputs(target)
    if report.scheduled_for:
        _email_safely()
    return ReportRequest.objects.get(pk=report.pk).status


def _email_safely() -> None:
    try:
        email_finished_months()
    except Exception:  # the mail server: the sweep tries again every minute
        log.exception("the monthly reports could not be emailed yet")


def _render(report: ReportRequest, target: Path, progress) -> tuple[dict, int]:
    """Gather the figures (first 30 % of the progress bar), then render them."""
    kind = kinds.get(report.report_type)
    document = kind.document(report, RequesterScope.of_report(report), lambda fraction: progress(0.3 * fraction))
    pages = rendering.render(document, target, lambda fraction: progress(0.3 + 0.7 * fraction))
    for suffix, content in document.files.items():
        if suffix not in SIDE_FILES:
            raise ValueError(f"unknown side file .{suffix}")
        target.with_suffix(f".{suffix}").write_bytes(content)
    # Plain JSON (labels may be lazy translations), written with the finished request.
    return json.loads(json.dumps(document.data, cls=DjangoJSONEncoder)), pages


def _reason(exc: Exception) -> str:
    if isinstance(exc, rendering.RenderError):
        return str(exc)
    if isinstance(exc, Http404):
        return _("What the report is about is no longer within the requester's scope.")
    if isinstance(exc, (PermissionDenied, ValidationError)):
        return _("The requester may no longer see what the report is about.")
    return _(
        "Unexpected error while preparing the report (%(error)s). Request it again; if it fails again, tell the administrator."
    ) % {"error": type(exc).__name__}


def _fail(report: ReportRequest, reason: str) -> str:
    ReportRequest.objects.filter(pk=report.pk, status=ReportStatus.RUNNING, attempts=report.attempts).update(
        status=ReportStatus.FAILED, error=reason, finished_at=timezone.now()
    )
    if report.scheduled_for:
        _email_safely()
    return ReportRequest.objects.get(pk=report.pk).status


# --- The monthly reports ------------------------------------------------------------------------
MONTHLY_TYPES = (ReportType.DISABILITY_RECAP, ReportType.PPKS_RECAP, ReportType.SERVICE_RECAP)


def previous_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def schedule_monthly(today: datetime.date | None = None) -> list[ReportRequest]:
    """The recaps of the whole city for the month before ``today`` (celery beat runs this on the
    1st). One set per month: the database refuses a second request of a type for the same month,
    so running it twice, or on two beat servers at once, makes no second set."""
    first, last = previous_month(today or timezone.localdate())
    city = settings.OFFICE_REGION_CODE
    made = []
    for report_type in MONTHLY_TYPES:
        defaults = {
            "regions": [city],
            "scope_role": Role.MANAGER,
            "scope_region_id": city,
            "queued_at": timezone.now(),
            "period_start": first if report_type == ReportType.SERVICE_RECAP else None,
            "period_end": last if report_type == ReportType.SERVICE_RECAP else None,
        }
        with transaction.atomic():
            report, created = ReportRequest.objects.get_or_create(
                report_type=report_type, scheduled_for=first, defaults=defaults
            )
            if created:
                transaction.on_commit(lambda pk=report.pk: enqueue(pk))
        made.append(report)
    return made


def city_managers():
    """Who the monthly reports are for: the active managers of the whole city who have an email."""
    return User.objects.filter(role=Role.MANAGER, is_active=True, region_id=settings.OFFICE_REGION_CODE).exclude(
        email=""
    )


def email_finished_months() -> int:
    """Tell the city's managers about each monthly set once all its reports have finished (ready
    or failed), once. Run after each render and by the sweep, so a mail server that was down is
    tried again. Returns how many sets were sent."""
    sent = 0
    months = (
        ReportRequest.objects.filter(scheduled_for__isnull=False, emailed_at__isnull=True)
        .values_list("scheduled_for", flat=True)
        .distinct()
    )
    for month in months:
        with transaction.atomic():
            reports = list(
                ReportRequest.objects.select_for_update()
                .filter(scheduled_for=month, emailed_at__isnull=True)
                .order_by("report_type")
            )
            if len(reports) < len(MONTHLY_TYPES) or any(r.is_pending for r in reports):
                continue
            _email_month(month, reports)
            ReportRequest.objects.filter(pk__in=[r.pk for r in reports]).update(emailed_at=timezone.now())
            sent += 1
    return sent


def _email_month(month: datetime.date, reports: list[ReportRequest]) -> None:
    from django.core.mail import send_mail
    from django.utils.formats import date_format

    recipients = list(city_managers().values_list("email", flat=True))
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        lines = []
        for report in reports:
            state = _("ready") if report.status == ReportStatus.READY else report.get_status_display().lower()
            lines.append(
                f"- {report.get_report_type_display()} ({state}): {settings.PORTAL_URL.rstrip('/')}{report.get_absolute_url()}"
            )
        body = _(
            "The monthly reports of %(month)s for the whole %(office)s area are done:\n\n%(lines)s\n\n"
            "Log in to OneGate to download them; each download is recorded. The files are kept %(days)s days."
        ) % {
            "month": date_format(month, "F Y"),
            "office": settings.OFFICE_NAME,
            "lines": "\n".join(lines),
            "days": settings.REPORT_FILE_DAYS,
        }
        subject = _("OneGate: monthly reports of %(month)s") % {"month": date_format(month, "F Y")}
    send_mail(subject, body, None, recipients)


# --- Keeping nothing stuck ---------------------------------------------------------------------
def sweep(now=None) -> dict:
    """Re-send requests waiting too long in the queue; take back renders with no sign of life
    (queued again while attempts remain, otherwise failed with the reason). Run every minute."""
    now = now or timezone.now()
    resent = retried = failed = 0
    with transaction.atomic():
        waiting = ReportRequest.objects.select_for_update(skip_locked=True).filter(
            status=ReportStatus.QUEUED, queued_at__lt=now - timedelta(seconds=settings.JOBS_RESEND_SECONDS)
        )
        for report in waiting:
            report.queued_at = now
            report.save(update_fields=["queued_at"])
            transaction.on_commit(lambda pk=report.pk: enqueue(pk))
            resent += 1
        stalled_seconds = settings.REPORT_STALLED_SECONDS
        stalled = ReportRequest.objects.select_for_update(skip_locked=True).filter(
            status=ReportStatus.RUNNING, heartbeat_at__lt=now - timedelta(seconds=stalled_seconds)
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
                    "The render stopped without finishing: no sign of life for %(seconds)s seconds, %(attempts)s attempts "
                    "(a worker was probably stopped or ran out of memory). Request the report again."
                ) % {"seconds": stalled_seconds, "attempts": report.attempts}
                report.save(update_fields=["status", "finished_at", "error"])
                failed += 1
    _email_safely()
    return {"resent": resent, "retried": retried, "failed": failed}


def purge_expired(now=None) -> int:
    """Delete the files of reports past their expiry (the request stays, marked expired) and the
    work folders a stopped render left behind; returns how many reports expired."""
    now = now or timezone.now()
    expired = 0
    for report in ReportRequest.objects.filter(status=ReportStatus.READY, expires_at__lt=now):
        if report.file_path:
            _remove_outputs(file_of(report))
        ReportRequest.objects.filter(pk=report.pk, status=ReportStatus.READY).update(
            status=ReportStatus.EXPIRED, file_path=""
        )
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


def open_for_download(user, report: ReportRequest, suffix: str = "pdf") -> Path:
    """The file of a ready report (the PDF, or a file beside it), for a user who may see it and
    still may ask for its kind; the download is written in the audit trail (and, for a report
    about a person, in the person's view log)."""
    kind = kinds.get(report.report_type)
    if not kind.can_request(user) or not kind.can_download(user, report):
        raise PermissionDenied("this user may not download this report")
    path = file_of(report).with_suffix(f".{suffix}") if report.file_path else None
    if suffix not in ("pdf", *SIDE_FILES) or not report.is_ready or not path.is_file():
        raise Http404("the report has no such file (not ready, or expired)")
    log_view(report)
    if report.person_id:
        log_view(report.person)
    return path


# --- The figures behind a recap, as CSV or XLSX -------------------------------------------------
def figures_file(user, report: ReportRequest, file_format: str) -> bytes:
    """The tables behind a ready recap (kept when it was rendered, so they match the PDF): CSV with
    the tables one after the other, each under its title; XLSX with a sheet per table. The export
    is written in the audit trail."""
    if not kinds.get(report.report_type).can_request(user):
        raise PermissionDenied("this role may not download this kind of report")
    tables = report.data.get("tables") if report.status == ReportStatus.READY else None
    if not tables:
        raise Http404("no figures for this report")
    log_export(
        ReportRequest,
        count=sum(len(t["rows"]) for t in tables),
        file_format=file_format,
        filters={"report": report.pk},
        region_id=report.scope_region_id,
    )
    sections = [(table["title"], table["headers"], table["rows"]) for table in tables]
    if file_format == "csv":
        return exports.csv_sections(sections).encode("utf-8")
    # Sheets are numbered: titles cut to Excel's 31 characters could repeat.
    return exports.xlsx_bytes((f"{index} {title}", *rest) for index, (title, *rest) in enumerate(sections, start=1))
