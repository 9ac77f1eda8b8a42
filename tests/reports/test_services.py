"""The life of a request: recorded with the requester's scope and sent once committed; claimed by
one worker; progress while rendering; ready with its file, or failed with a reason; the sweep
re-sends lost messages and takes back stalled renders; files expire."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from reports import rendering, services
from reports.models import ReportRequest, ReportStatus, ReportType
from tests.conftest import WATES

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The requests sent to the workers (instead of Celery)."""
    sent = []
    monkeypatch.setattr(services, "enqueue", sent.append)
    return sent


def ask(user, report_type=ReportType.DISABILITY_RECAP, **parameters):
    return services.request_report(user=user, report_type=report_type, **parameters)


def test_a_request_records_the_requesters_scope_and_is_sent_once_committed(
    users, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = ask(users["kel.wates"], request_id="req-1")
        assert sent == []  # not before the commit
    assert len(callbacks) == 1 and sent == [report.pk]
    report.refresh_from_db()
    assert (report.status, report.progress, report.attempts) == (ReportStatus.QUEUED, 0, 0)
    assert (report.scope_role, report.scope_region_id, report.scope_agency_id) == ("kelurahan", WATES, None)
    assert report.requested_by == users["kel.wates"] and report.request_id == "req-1" and report.queued_at


def test_a_rolled_back_request_is_never_sent(users, sent, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            ask(users["manajer"])
            raise RuntimeError("the surrounding work failed")
    assert sent == [] and not ReportRequest.objects.exists()


def test_roles_ask_only_for_the_reports_they_may_see(users, sent):
    with pytest.raises(PermissionDenied):
        ask(users["dinkes"])  # an agency sees no registry
    with pytest.raises(PermissionDenied):
        ask(users["admin"])
    assert not ReportRequest.objects.exists()


def test_a_worker_renders_a_queued_request_once(
    users, registry_data, private_media, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = ask(users["manajer"])
    assert services.run(report.pk) == ReportStatus.READY
    report.refresh_from_db()
    assert (report.status, report.progress, report.attempts) == (ReportStatus.READY, 100, 1)
    assert report.started_at <= report.finished_at and report.page_count >= 1
    assert services.file_of(report).stat().st_size == report.size
    assert report.expires_at - report.finished_at == timedelta(days=7)
    # A repeated message (Redis redelivers unacknowledged tasks) changes nothing.
    assert services.run(report.pk) == ReportStatus.READY
    report.refresh_from_db()
    assert report.attempts == 1


def test_the_request_shows_its_progress_while_rendering(users, registry_data, private_media, sent, monkeypatch):
    seen = []
    real_render = rendering.render

    def watching_render(document, target, progress):
        progress(0.5)
        row = ReportRequest.objects.get()
        seen.append((row.status, row.progress))
        return real_render(document, target, progress)

    monkeypatch.setattr(rendering, "render", watching_render)
    report = ask(users["manajer"])
    services.run(report.pk)
    assert seen == [(ReportStatus.RUNNING, 63)]  # 5 + 90 × (30 % gathering + half of the 70 % rendering)
    report.refresh_from_db()
    assert report.progress == 100


def test_a_failing_render_fails_the_request_with_its_reason(users, registry_data, private_media, sent, monkeypatch):
    def broken(document, target, progress):
        target.write_bytes(b"half a file")
        raise rendering.RenderError("The PDF renderer stopped while rendering (exit code -9).")

    monkeypatch.setattr(rendering, "render", broken)
    report = ask(users["manajer"])
    assert services.run(report.pk) == ReportStatus.FAILED
    report.refresh_from_db()
    assert report.error == "The PDF renderer stopped while rendering (exit code -9)."
    assert report.finished_at and not report.file_path
    assert not list((private_media / "reports").rglob("*.pdf"))


def test_an_unexpected_error_fails_the_request_with_a_clear_reason(users, private_media, sent, monkeypatch):
    from reports import kinds

    kind = kinds.get(ReportType.DISABILITY_RECAP)
    monkeypatch.setattr(kind, "context", lambda *args: 1 / 0)
    report = ask(users["manajer"])
    services.run(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "ZeroDivisionError" in report.error


def test_a_render_taken_back_by_the_sweep_cannot_finish_the_request(
    users, registry_data, private_media, sent, monkeypatch
):
    real_render = rendering.render

    def slow_render(document, target, progress):
        # Meanwhile the sweep decided this render was dead and queued the request again.
        ReportRequest.objects.update(status=ReportStatus.QUEUED)
        return real_render(document, target, progress)

    monkeypatch.setattr(rendering, "render", slow_render)
    report = ask(users["manajer"])
    assert services.run(report.pk) == ReportStatus.QUEUED
    assert not list((private_media / "reports").rglob("*.pdf"))  # its file was dropped


def make(user, *, status, minutes_ago, attempts=0):
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return ReportRequest.objects.create(
        report_type=ReportType.DISABILITY_RECAP,
        requested_by=user,
        scope_role=user.role,
        scope_region_id=user.region_id,
        status=status,
        attempts=attempts,
        queued_at=at,
        started_at=at if status == ReportStatus.RUNNING else None,
        heartbeat_at=at if status == ReportStatus.RUNNING else None,
    )


def test_the_sweep_sends_requests_stuck_in_the_queue_again(users, sent, django_capture_on_commit_callbacks):
    lost = make(users["manajer"], status=ReportStatus.QUEUED, minutes_ago=6)
    fresh = make(users["manajer"], status=ReportStatus.QUEUED, minutes_ago=0.5)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep() == {"resent": 1, "retried": 0, "failed": 0}
    assert sent == [lost.pk]
    lost.refresh_from_db()
    assert lost.status == ReportStatus.QUEUED and timezone.now() - lost.queued_at < timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep()["resent"] == 0  # not again at once
    assert fresh.pk not in sent


def test_the_sweep_retries_a_stalled_render_then_fails_it_with_the_reason(
    users, sent, django_capture_on_commit_callbacks
):
    stalled = make(users["manajer"], status=ReportStatus.RUNNING, minutes_ago=16, attempts=1)
    alive = make(users["manajer"], status=ReportStatus.RUNNING, minutes_ago=0.5, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep() == {"resent": 0, "retried": 1, "failed": 0}
    stalled.refresh_from_db()
    assert stalled.status == ReportStatus.QUEUED and sent == [stalled.pk]
    # The second attempt stalls as well: the request fails, saying why.
    ReportRequest.objects.filter(pk=stalled.pk).update(
        status=ReportStatus.RUNNING, attempts=2, heartbeat_at=timezone.now() - timedelta(minutes=20)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep() == {"resent": 0, "retried": 0, "failed": 1}
    stalled.refresh_from_db()
    assert (
        stalled.status == ReportStatus.FAILED and "tidak ada tanda aktif selama 60 detik, 2 percobaan" in stalled.error
    )
    alive.refresh_from_db()
    assert alive.status == ReportStatus.RUNNING


def test_expired_files_are_deleted_and_the_request_says_so(users, registry_data, private_media, sent):
    report = ask(users["manajer"])
    services.run(report.pk)
    report.refresh_from_db()
    path = services.file_of(report)
    assert services.purge_expired() == 0 and path.exists()
    assert services.purge_expired(now=report.expires_at + timedelta(seconds=1)) == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.EXPIRED and report.file_path == "" and not path.exists()


def test_the_work_folder_of_a_stopped_render_is_deleted_later(private_media):
    import os
    import time

    folder = private_media / "reports" / "tmp" / "abandoned"
    folder.mkdir(parents=True)
    (folder / "part-00000.html").write_text("personal data")
    old = time.time() - 4 * 3600
    os.utime(folder, (old, old))
    services.purge_expired()
    assert not folder.exists()
