"""The monthly recaps: made for the whole city on the 1st by celery beat, one set per month however
often the schedule runs, listed for the city's managers and emailed to them once ready."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from reports import services, tasks
from reports.models import ReportRequest, ReportStatus, ReportType
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
APRIL_1 = datetime.date(2026, 4, 1)


@pytest.fixture
def sent(monkeypatch):
    sent = []
    monkeypatch.setattr(services, "enqueue", sent.append)
    return sent


def test_the_schedule_is_in_celery_beat_on_the_first_of_the_month():
    entry = settings.CELERY_BEAT_SCHEDULE["reports-monthly"]
    assert entry["task"] == "reports.tasks.generate_monthly_reports"
    assert entry["schedule"].day_of_month == {1}


def test_running_the_schedule_twice_makes_one_set(users, sent, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.schedule_monthly(today=APRIL_1)
    reports = ReportRequest.objects.order_by("report_type")
    assert sorted(r.report_type for r in reports) == sorted(services.MONTHLY_TYPES)
    assert {r.scheduled_for for r in reports} == {datetime.date(2026, 3, 1)}
    assert sorted(sent) == sorted(r.pk for r in reports)  # each sent to the workers once
    recap = reports.get(report_type=ReportType.SERVICE_RECAP)
    assert (recap.period_start, recap.period_end) == (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert all(r.requested_by is None and r.scope_role == "manager" and r.scope_region_id == "35.76" for r in reports)


def test_the_beat_task_makes_the_set_of_last_month(users, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.generate_monthly_reports()
        again = tasks.generate_monthly_reports()
    assert len(first) == 3 and first == again and ReportRequest.objects.count() == 3


def test_the_monthly_reports_are_listed_for_the_city_managers_only(users, sent, client_for):
    services.schedule_monthly(today=APRIL_1)
    assert client_for(users["manajer"]).get(reverse("reports:list")).text.count("data-report=") == 3
    assert client_for(users["kel.wates"]).get(reverse("reports:list")).text.count("data-report=") == 0
    assert client_for(users["loket"]).get(reverse("reports:list")).text.count("data-report=") == 0


def test_the_city_managers_get_one_email_once_the_set_is_done(users, registry_data, private_media, sent, settings):
    settings.PORTAL_URL = "https://onegate.example.test"
    UserFactory(username="manajer.kecamatan", role="manager", region_id="35.76.02")  # not city-wide: not told
    for report in services.schedule_monthly(today=APRIL_1)[:2]:
        services.run(report.pk)
    assert mail.outbox == []  # the complaints recap is still queued
    last = ReportRequest.objects.get(report_type=ReportType.SERVICE_RECAP)
    services.run(last.pk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [users["manajer"].email]
    assert message.body.count("https://onegate.example.test/laporan/") == 3
    assert all(r.status == ReportStatus.READY and r.emailed_at for r in ReportRequest.objects.all())
    services.sweep()
    services.email_finished_months()
    assert len(mail.outbox) == 1  # once
