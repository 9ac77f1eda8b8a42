"""The life of an import batch, as service functions the views and tasks call:

upload → (check: preview counts and problems) → confirm → (apply: write) → done
                                               ↘ cancel

The preview's plan is kept beside the file and written at the confirmation if what it relies on
still holds (rechecking.py); otherwise the file is checked again first.

Small CSV files are checked and applied in the request; bigger ones (more rows than
settings.REGISTRY_IMPORT_SYNC_MAX_ROWS) and every XLSX (read in a memory-capped child process of the
worker, parsing.read_xlsx) in a Celery task, with progress in the cache for the page to
poll. The uploaded file holds personal data: it is stored under PRIVATE_MEDIA_ROOT, readable by the
portal's user only, and deleted as soon as the batch is confirmed and written, cancelled or failed.
"""

import contextlib
import datetime
import gc
import logging
import os
import pickle
import uuid
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from onegate import jobs, scoping

from ..models import ImportBatch, ImportStatus, Person
from .checking import RowChecker
from .columns import COLUMN_NAMES, cell_text
from .parsing import ImportFileError, check_xlsx, file_format_for, open_table, read_xlsx
from .planning import Plan, Planner
from .problems import message
from .rechecking import RecordsChanged, set_aside_edited, still_holds
from .writing import write_plan

logger = logging.getLogger(__name__)

STORED_PROBLEMS = 1000  # errors and warnings kept on the batch; the counts are always exact
LOCK_KEY = 3576_0002  # PostgreSQL advisory lock: one import writes at a time
PROGRESS_EVERY = 2000  # rows
ANALYZE_AFTER = 10_000  # people created: refresh the planner's statistics at once
PLAN_FORMAT = 3  # of the stored plan: a plan stored in another format is not used
_NO_ROWS = gettext_noop("The file has a header but no rows.")


def own_batches(queryset, user):
    """Scoping for kelurahan officers: the batches they uploaded themselves."""
    return queryset.filter(uploaded_by=user)


def sync_max_rows() -> int:
    return getattr(settings, "REGISTRY_IMPORT_SYNC_MAX_ROWS", 5000)


def max_upload_bytes() -> int:
    return getattr(settings, "REGISTRY_IMPORT_MAX_BYTES", 40 * 1024 * 1024)


def import_folder() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "imports"


def file_of(batch: ImportBatch) -> Path:
    return import_folder() / batch.file_path


def plan_file_of(batch: ImportBatch) -> Path:
    return file_of(batch).with_suffix(".plan")


def rejected_file_of(batch: ImportBatch) -> Path:
    """The invalid rows kept for the uploader to download (rejected_rows); kept after the upload
    is deleted, until purge_stale deletes it."""
    return import_folder() / f"rejected-{batch.pk}.pickle"


def _store_plan(batch: ImportBatch, plan: Plan) -> None:
    """Beside the file, as private (the portal's user only): pickled, since only the portal writes
    and reads it."""
    fd = os.open(plan_file_of(batch), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        pickle.dump((PLAN_FORMAT, plan), f, protocol=pickle.HIGHEST_PROTOCOL)


def _stored_plan(batch: ImportBatch) -> Plan | None:
    """None when there is none, or none this version of the portal can use: the file is then
    checked again."""
    try:
        with plan_file_of(batch).open("rb") as f:
            plan_format, plan = pickle.load(f)
    except Exception:  # missing, or written by another version of the portal
        return None
    return plan if plan_format == PLAN_FORMAT else None


# --- Progress ----------------------------------------------------------------------------------
def _progress_key(batch_id: int) -> str:
    return f"registry:import:{batch_id}:progress"


def set_progress(batch_id: int, percent: int) -> None:
    """In the cache, not the database: the apply step runs in one long transaction."""
    cache.set(_progress_key(batch_id), int(percent), timeout=6 * 3600)


def progress_of(batch: ImportBatch) -> int:
    if batch.status != ImportStatus.PROCESSING:
        return batch.progress
    return cache.get(_progress_key(batch.pk), batch.progress)


@contextlib.contextmanager
def without_gc():
    """Python's cycle collector walks every live object again and again while an import builds
    hundreds of thousands of small dicts (which form no cycles): off for the duration. Drop the
    plan before the end: whatever is still alive then is walked once more (0.4 s for 100,000 rows)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- Upload ------------------------------------------------------------------------------------
def upload(uploaded_file, *, user, request_id: str | None = None) -> ImportBatch:
    """Store the file, check at once what can be checked cheaply (_first_look), and check its rows:
    here for a small CSV, in a task otherwise (every XLSX: unpacking a workbook is never done in
    the web process). A file refused at once raises ValidationError and leaves nothing behind."""
    scoping.ensure_can(user, ImportBatch, scoping.ADD)
    scoping.ensure_can(user, Person, scoping.ADD)
    try:
        file_format = file_format_for(uploaded_file.name)
        if not uploaded_file.size:
            raise ImportFileError(gettext_noop("The file is empty."))
        if uploaded_file.size > max_upload_bytes():
            raise ImportFileError(
                gettext_noop("The file is larger than %(mb)d MB: split it."), mb=max_upload_bytes() // 2**20
            )
    except ImportFileError as exc:
        raise ValidationError({"file": exc.message}) from None
    path = _store(uploaded_file, file_format)
    try:
        estimated = _first_look(path, file_format)
    except ImportFileError as exc:
        path.unlink(missing_ok=True)
        raise ValidationError({"file": exc.message}) from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    batch = ImportBatch.objects.create(
        uploaded_by=user,
        region_id=user.region_id,
        original_name=Path(uploaded_file.name).name[:255],
        file_format=file_format,
        file_path=path.name,
        total_rows=estimated or 0,
        request_id=request_id or "",
    )
    if estimated is not None and estimated <= sync_max_rows():
        run_preview(batch)
    else:
        _enqueue("preview", batch)
    return batch


def _first_look(path: Path, file_format: str) -> int | None:
    """What the upload checks at once: a CSV's type, encoding and header, and its number of rows;
    of an XLSX only what its zip directory tells (nothing is unpacked in the web process): the
    worker reads it (None: not known yet)."""
    if file_format == "xlsx":
        check_xlsx(path)
        return None
    table = open_table(path, file_format)
    estimated = table.estimated_rows
    table.close()
    if estimated == 0:
        raise ImportFileError(_NO_ROWS)
    return estimated


def _store(uploaded_file, file_format: str) -> Path:
    folder = import_folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{uuid.uuid4().hex}.{file_format}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # the portal's user only
    with os.fdopen(fd, "wb") as f:
        for chunk in uploaded_file.chunks():
            f.write(chunk)
    return path


def _enqueue(step: str, batch: ImportBatch) -> None:
    transaction.on_commit(lambda: _send(batch.pk, step))


def _send(batch_id: int, step: str) -> None:
    """Send the step to the workers; the task id on the batch says it was sent. If the broker is
    down the batch keeps no task id and resend_unsent() sends it once Redis is back."""
    from . import tasks

    task_id = jobs.send(tasks.preview_import if step == "preview" else tasks.apply_import, batch_id)
    if task_id:
        ImportBatch.objects.filter(pk=batch_id).update(task_id=task_id)


def resend_unsent(*, older_than_seconds: int | None = None) -> int:
    """Send again the checks and writes that never reached the broker (no task id), waiting longer
    than settings.JOBS_RESEND_SECONDS; returns how many. A step that was sent is never sent again
    here: two writes of one batch must not run."""
    wait = settings.JOBS_RESEND_SECONDS if older_than_seconds is None else older_than_seconds
    since = timezone.now() - datetime.timedelta(seconds=wait)
    unsent = ImportBatch.objects.filter(status=ImportStatus.PROCESSING, task_id="").filter(
        Q(confirmed_at__isnull=True, created_at__lt=since) | Q(confirmed_at__lt=since)
    )
    count = 0
    for batch_id, confirmed_at in unsent.values_list("pk", "confirmed_at"):
        _send(batch_id, "preview" if confirmed_at is None else "apply")
        count += 1
    return count


# --- Checking (the preview) --------------------------------------------------------------------
def make_plan(batch: ImportBatch, *, nik_warnings_confirmed: bool, progress_span=(0, 100)) -> tuple[Plan, list[str]]:
    """Read and check the batch's file with the uploader's scope. Raises ImportFileError."""
    user = batch.uploaded_by
    table = open_table(file_of(batch), batch.file_format, checked=True)
    start, span = progress_span[0], progress_span[1] - progress_span[0]
    expected = max(1, batch.total_rows or table.estimated_rows or 1)
    try:
        checker = RowChecker(user=user, positions=table.positions)
        rows = []
        for line, cells in table.rows:
            rows.append(checker.check(line, cells))
            if len(rows) % PROGRESS_EVERY == 0:
                set_progress(batch.pk, start + span * 0.8 * min(1, len(rows) / expected))
    finally:
        table.close()
    if not rows:
        raise ImportFileError(_NO_ROWS)
    plan = Planner(user=user, nik_warnings_confirmed=nik_warnings_confirmed).plan(rows)
    set_progress(batch.pk, start + span)
    return plan, table.ignored


def _read_workbook(batch: ImportBatch) -> None:
    """An uploaded XLSX is read once, here in the worker, by a memory-capped child process
    (parsing.read_xlsx) into a file of rows that replaces it: every later look at the file (the
    check, the confirmation) reads those rows."""
    workbook = file_of(batch)
    if workbook.suffix != ".xlsx":
        return
    rows = workbook.with_suffix(".rows")
    rows.unlink(missing_ok=True)  # left by a task that was interrupted and sent again
    batch.total_rows = read_xlsx(workbook, rows)
    batch.file_path = rows.name
    workbook.unlink()


def _keep_rejected(batch: ImportBatch, plan: Plan) -> None:
    """The invalid rows as the file had them (the template's columns it has, each cell as text),
    with their reasons, for the uploader to download, correct and upload again. Read again from
    the file: keeping every row's cells while checking would double the memory of a big import."""
    path = rejected_file_of(batch)
    if not plan.errors:
        path.unlink(missing_ok=True)
        return
    reasons = defaultdict(list)
    for line, column, stored, *_named in plan.errors:
        reasons[line].append((column, stored))
    table = open_table(file_of(batch), batch.file_format, checked=True)
    try:
        columns = [column for column in COLUMN_NAMES if column in table.positions]
        rows = [
            (line, [cell_text(cells[table.positions[column]]) for column in columns], reasons[line])
            for line, cells in table.rows
            if line in reasons
        ]
    finally:
        table.close()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data: the portal's user only
    with os.fdopen(fd, "wb") as f:
        pickle.dump((columns, rows), f, protocol=pickle.HIGHEST_PROTOCOL)


def rejected_rows(batch: ImportBatch) -> tuple[list[str], list] | None:
    """(columns, [(row number, cells, [(column, stored message)])]) of the batch's invalid rows, or
    None when none are kept."""
    try:
        with rejected_file_of(batch).open("rb") as f:
            return pickle.load(f)
    except FileNotFoundError:
        return None


def _record_counts(batch: ImportBatch, plan: Plan) -> None:
    batch.total_rows = plan.total
    batch.new_count, batch.changed_count, batch.unchanged_count = plan.new, plan.changed, plan.unchanged
    batch.invalid_count = plan.invalid
    batch.warning_count = len(plan.warning_lines)
    batch.errors = [list(e) for e in plan.errors[:STORED_PROBLEMS]]
    batch.warnings = [list(w) for w in plan.warnings[:STORED_PROBLEMS]]
    batch.notice_count = len(plan.notices)
    batch.notices = [list(n) for n in plan.notices[:STORED_PROBLEMS]]
    batch.conflict_count = len(plan.conflicts)
    batch.conflicts = [list(c) for c in plan.conflicts[:STORED_PROBLEMS]]


def run_preview(batch: ImportBatch) -> None:
    """Check the file and keep the counts and problems on the batch, and the plan beside the file
    (writes nothing else)."""
    with without_gc():
        try:
            _read_workbook(batch)
            plan, ignored = make_plan(batch, nik_warnings_confirmed=True)
        except ImportFileError as exc:
            _fail(batch, exc.stored)
            return
        except Exception:
            logger.exception("import batch %s: checking failed", batch.pk)
            _fail(
                batch,
                message(
                    gettext_noop("The file could not be checked because of an error in the portal; nothing was saved.")
                ),
            )
            return
        with transaction.atomic():
            current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if not current.is_checking:  # cancelled meanwhile: what was read from the file goes too
                _delete_file(batch)
                return
            _store_plan(batch, plan)
            _keep_rejected(batch, plan)
            _record_counts(batch, plan)
            batch.ignored_columns = ignored
            batch.status, batch.progress = ImportStatus.PREVIEW, 100
            batch.save()
        del plan  # see without_gc


# --- Confirm, cancel, apply --------------------------------------------------------------------
def _ensure_uploader(batch: ImportBatch, user) -> None:
    """Managers may look at an officer's batch; only the uploader decides on it."""
    scoping.ensure_allowed(user, batch, scoping.CHANGE)
    if batch.uploaded_by_id != user.pk:
        raise PermissionDenied("only the uploader confirms or cancels an import")


def confirm(batch: ImportBatch, *, user, nik_warnings_checked: bool, request_id: str | None = None) -> None:
    _ensure_uploader(batch, user)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportStatus.PREVIEW:
            raise ValidationError(_("This import is not waiting for confirmation."))
        if batch.warning_count and not nik_warnings_checked:
            raise ValidationError(
                {
                    "nik_checked": _(
                        "Tick the box to say you checked the NIK of the rows with warnings, or cancel and correct the file."
                    )
                }
            )
        batch.status, batch.confirmed_at, batch.progress = ImportStatus.PROCESSING, timezone.now(), 0
        batch.task_id = ""  # the check's task; the write's is set once it is sent
        batch.nik_warnings_checked = bool(batch.warning_count and nik_warnings_checked)
        batch.request_id = request_id or batch.request_id
        batch.save()
    if batch.total_rows <= sync_max_rows():
        run_apply(batch)
    else:
        _enqueue("apply", batch)


def cancel(batch: ImportBatch, *, user) -> None:
    """Nothing is written; the file is deleted."""
    _ensure_uploader(batch, user)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not (batch.status == ImportStatus.PREVIEW or batch.is_checking):
            raise ValidationError(_("Only an import waiting for confirmation can be cancelled."))
        batch.status, batch.finished_at = ImportStatus.CANCELLED, timezone.now()
        _delete_file(batch)
        rejected_file_of(batch).unlink(missing_ok=True)
        batch.save()


def run_apply(batch: ImportBatch) -> None:
    """Write the preview's plan if it still holds (rechecking.py), or check the file again and
    write that, all in one transaction with the batch's final counts; an error leaves the registry
    as it was."""
    if not batch.is_writing:
        return
    user = batch.uploaded_by
    try:
        with without_gc(), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            if not ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.PROCESSING).exists():
                return  # a second delivery of the write, after the first one finished
            plan = preview = _stored_plan(batch)
            if plan is None or (plan.warning_lines and not batch.nik_warnings_checked) or not still_holds(plan, user):
                plan, _ignored = make_plan(
                    batch, nik_warnings_confirmed=batch.nik_warnings_checked, progress_span=(0, 50)
                )
                if not still_holds(plan, user):  # changed while it was being checked
                    raise RecordsChanged
                if preview is not None:  # what was edited after the preview stays as it is
                    set_aside_edited(plan, preview)
                _keep_rejected(batch, plan)
            set_progress(batch.pk, 60)
            written = write_plan(plan, actor=user, batch_id=batch.pk, cid=batch.request_id or None)
            _record_counts(batch, plan)
            batch.status, batch.progress, batch.finished_at = ImportStatus.DONE, 100, timezone.now()
            _delete_file(batch)
            batch.save()
            del plan  # see without_gc
    except ImportFileError as exc:
        _fail(batch, exc.stored)
        return
    except (RecordsChanged, IntegrityError) as exc:
        logger.warning("import batch %s: the registry changed while writing (%s)", batch.pk, exc)
        _fail(
            batch,
            message(
                gettext_noop(
                    "Some of these records were changed or registered by someone else while the file was being imported; nothing was saved. Upload the file again to see the changes."
                )
            ),
        )
        return
    except Exception:
        logger.exception("import batch %s: writing failed", batch.pk)
        _fail(batch, message(gettext_noop("The import failed because of an error in the portal; nothing was saved.")))
        return
    if written["people_created"] >= ANALYZE_AFTER:
        _refresh_statistics()


def _refresh_statistics() -> None:
    """A big import grows the tables faster than autovacuum notices: without fresh statistics the
    next queries (the next import's lookups, the lists) get plans made for much smaller tables.
    (An import that only changes records leaves them to autovacuum.)"""
    from ..models import (
        DisabilityProfile,
        Household,
        Person,
        PersonPpks,
        ProgramReceipt,
        WelfareProfile,
    )

    tables = ", ".join(
        connection.ops.quote_name(m._meta.db_table)
        for m in (Person, Household, DisabilityProfile, WelfareProfile, ProgramReceipt, PersonPpks)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def _fail(batch: ImportBatch, failure: list) -> None:
    """``failure``: a stored message (problems.message)."""
    batch.refresh_from_db()
    batch.status, batch.failure, batch.finished_at = ImportStatus.FAILED, failure, timezone.now()
    _delete_file(batch)
    rejected_file_of(batch).unlink(missing_ok=True)
    batch.save()


def _delete_file(batch: ImportBatch) -> None:
    """The uploaded file and all made from it (same name, another suffix): the plan, the rows read
    from a workbook."""
    if batch.file_path:
        for path in import_folder().glob(f"{Path(batch.file_path).stem}.*"):
            path.unlink(missing_ok=True)
        batch.file_path = ""


def purge_stale(*, preview_hours: int = 24, processing_hours: int = 6) -> int:
    """Cancel previews nobody decided on and fail stuck jobs, deleting their files; delete the
    rejected rows kept longer than settings.REGISTRY_IMPORT_REJECTED_DAYS."""
    now = timezone.now()
    kept_since = (now - datetime.timedelta(days=getattr(settings, "REGISTRY_IMPORT_REJECTED_DAYS", 7))).timestamp()
    for path in import_folder().glob("rejected-*.pickle"):
        if path.stat().st_mtime < kept_since:
            path.unlink(missing_ok=True)
    stale = ImportBatch.objects.filter(
        status=ImportStatus.PREVIEW, created_at__lt=now - datetime.timedelta(hours=preview_hours)
    )
    stuck = ImportBatch.objects.filter(
        status=ImportStatus.PROCESSING, created_at__lt=now - datetime.timedelta(hours=processing_hours)
    )
    count = 0
    for batch in stale:
        batch.status, batch.finished_at = ImportStatus.CANCELLED, now
        _delete_file(batch)
        batch.save()
        count += 1
    for batch in stuck:
        _fail(batch, message(gettext_noop("The import took too long and was stopped; nothing was saved.")))
        count += 1
    return count
