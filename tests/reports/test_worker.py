"""Through the real Redis and a real Celery worker: a request is rendered by a worker. (A worker
killed in the middle of a render: tests/reports/test_outages.py.)"""

import time

import pytest

from reports import services
from reports.models import ReportStatus, ReportType

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
