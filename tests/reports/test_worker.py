"""Through the real Redis and real Celery workers: a request is rendered by a worker, and a worker
killed in the middle of a render leaves the request to the sweep, which sends it again."""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from onegate.celery import app
from reports import services
from reports.models import ReportRequest, ReportStatus, ReportType
from tests.conftest import _test_database_url

pytestmark = pytest.mark.celery


def wait_for(report, condition, seconds=120):
    """Poll the request's row until ``condition`` holds (the workers work on their own time)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if condition(report):
            return report
        time.sleep(0.2)
    pytest.fail(f"request {report.pk} still {report.status} at {report.progress}% after {seconds} s")


@pytest.fixture
def cleanup_files():
    made = []
    yield made
    for report in made:
        report.refresh_from_db()
        if report.file_path:
            services.file_of(report).unlink(missing_ok=True)


def test_a_worker_renders_a_requested_report(
    transactional_db, celery_worker_queue, users, registry_data, cleanup_files
):
    report = services.request_report(user=users["manajer"], report_type=ReportType.DISABILITY_RECAP)
    cleanup_files.append(report)
    wait_for(report, lambda r: not r.is_pending)
    assert report.status == ReportStatus.READY, report.error
    assert report.attempts == 1 and report.progress == 100 and report.page_count >= 1
    assert services.file_of(report).read_bytes().startswith(b"%PDF-")


def test_a_worker_killed_in_the_middle_of_a_render_leaves_the_request_retried(
    transactional_db, celery_worker_queue, users, registry_data, cleanup_files
):
    doomed_queue = f"{celery_worker_queue}-doomed"
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.reports.blocking_worker", doomed_queue],
        env={**os.environ, "DATABASE_URL": _test_database_url(), "DEBUG": "1"},
        cwd=settings.BASE_DIR,
    )
    try:
        app.conf.task_default_queue = doomed_queue
        report = services.request_report(user=users["manajer"], report_type=ReportType.DISABILITY_RECAP)
        cleanup_files.append(report)
        wait_for(report, lambda r: r.status == ReportStatus.RUNNING and r.progress > 5)  # half way through rendering
        worker.kill()
        worker.wait(timeout=30)
    finally:
        app.conf.task_default_queue = celery_worker_queue
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    report.refresh_from_db()
    assert (report.status, report.attempts) == (
        ReportStatus.RUNNING,
        1,
    )  # as far as the database knows, still rendering
    # The sweep sees no sign of life for longer than REPORT_STALLED_MINUTES and sends it again;
    # the other worker renders it.
    assert services.sweep(now=timezone.now() + timedelta(minutes=settings.REPORT_STALLED_MINUTES + 1))["retried"] == 1
    wait_for(report, lambda r: r.status not in (ReportStatus.QUEUED, ReportStatus.RUNNING))
    assert (report.status, report.attempts) == (ReportStatus.READY, 2), report.error
    assert ReportRequest.objects.filter(status=ReportStatus.RUNNING).count() == 0
