"""No lost work, through the real Redis, real Celery workers and a real celery beat, with the sweep's
intervals shortened (they are settings): a report asked for while Redis is down is rendered soon
after Redis returns; a render whose worker is killed is picked up again and makes exactly one PDF,
while a slow render that is alive is left alone."""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings

from onegate.celery import app
from reports import services
from reports.models import ReportStatus, ReportType
from tests.conftest import _test_database_url
from tests.outage import redis_stopped
from tests.reports.test_worker import wait_for

pytestmark = pytest.mark.celery

TWO_MINUTES = 120


@pytest.fixture
def queue():
    """A queue of this test's own; the tests' shared worker keeps its own."""
    shared = app.conf.task_default_queue
    name = f"onegate-outage-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = name
    yield name
    app.conf.task_default_queue = shared


@pytest.fixture
def start(tmp_path, queue):
    """``start(kind, **env)``: a worker ("worker", "blocking") or "beat" process on the test's queue
    and database, with settings from ``env``; all are stopped after the test."""
    started = []

    def run(kind, queue_name=queue, **env):
        env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "DEBUG": "1",
            "CELERY_QUEUE": queue_name,
            "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
            **{key: str(value) for key, value in env.items()},
        }
        name = f"{kind}-{uuid.uuid4().hex[:6]}"
        commands = {
            "worker": ["-m", "celery", "-A", "onegate", "worker", "-n", f"{name}@%h", "-Q", queue_name, "--pool=solo"]
            + ["--without-gossip", "--without-mingle", "--loglevel=WARNING"],
            "blocking": ["-m", "tests.reports.blocking_worker", queue_name, f"{name}@%h"],
            "beat": ["-m", "celery", "-A", "onegate", "beat", "--loglevel=WARNING"]
            + ["-s", str(tmp_path / f"{name}-schedule"), "--pidfile", str(tmp_path / f"{name}.pid")],
        }
        process = subprocess.Popen([sys.executable, *commands[kind]], env=env, cwd=settings.BASE_DIR)
        started.append(process)
        if kind != "beat":
            _wait_for_worker(name, process)
        return process

    yield run
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)


def _wait_for_worker(name: str, process) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(node.startswith(f"{name}@") for reply in app.control.ping(timeout=0.5) for node in reply):
            return
        if process.poll() is not None:
            pytest.fail(f"the Celery worker {name} exited at start-up")
    pytest.fail(f"the Celery worker {name} did not answer within 60 s")


def pdfs(tmp_path) -> list:
    return sorted((tmp_path / "private" / "reports").rglob("*.pdf"))


def test_a_report_asked_for_while_redis_is_down_is_ready_soon_after_it_returns(
    transactional_db, users, registry_data, start, tmp_path
):
    start("worker", JOBS_RESEND_SECONDS=3)  # runs the sweep
    start("beat", JOBS_SWEEP_SECONDS=2)
    with redis_stopped() as redis_returns:
        report = services.request_report(user=users["manajer"], report_type=ReportType.DISABILITY_RECAP)
        time.sleep(5)  # the worker and beat notice the outage
        report.refresh_from_db()
        assert report.status == ReportStatus.QUEUED
        redis_returns()
        returned = time.monotonic()
        wait_for(report, lambda r: r.status == ReportStatus.READY, seconds=TWO_MINUTES)
    print(f"\nready {time.monotonic() - returned:.1f} s after Redis returned (sweep every 2 s, resend after 3 s)")
    assert report.attempts == 1
    assert [str(path.relative_to(tmp_path / "private")) for path in pdfs(tmp_path)] == [report.file_path]


def test_a_worker_killed_in_the_middle_of_a_render_is_replaced_within_two_minutes_with_one_pdf(
    transactional_db, users, registry_data, start, queue, tmp_path
):
    doomed_queue = f"{queue}-doomed"
    doomed = start("blocking", doomed_queue, REPORT_HEARTBEAT_SECONDS=1)
    start("worker", REPORT_STALLED_SECONDS=4)  # runs the sweep and the second attempt
    start("beat", JOBS_SWEEP_SECONDS=1)
    app.conf.task_default_queue = doomed_queue
    report = services.request_report(user=users["manajer"], report_type=ReportType.DISABILITY_RECAP)
    app.conf.task_default_queue = queue
    wait_for(report, lambda r: r.status == ReportStatus.RUNNING and r.progress > 5)  # half way through rendering
    # A slow render that is alive keeps its heartbeat: the sweep, running every second, leaves it.
    time.sleep(8)
    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.RUNNING, 1)

    doomed.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    wait_for(report, lambda r: not r.is_pending, seconds=TWO_MINUTES)
    print(f"\npicked up and rendered {time.monotonic() - killed:.1f} s after the kill (stalled after 4 s)")
    assert (report.status, report.attempts) == (ReportStatus.READY, 2), report.error
    assert [str(path.relative_to(tmp_path / "private")) for path in pdfs(tmp_path)] == [report.file_path]
