"""Redis down (its real server stopped): officers keep reading and saving, since sessions and the
signed-in user come from PostgreSQL; a new sign-in works; the public forms answer "try again
shortly" (503) because their rate limits cannot be counted; /healthz names Redis; a report asked for
meanwhile is recorded at once and waits in PostgreSQL."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from complaints.models import Complaint
from reports.models import ReportRequest, ReportStatus, ReportType
from tests.complaints.test_online import post_data as online_complaint_data
from tests.complaints.test_views import intake_post
from tests.conftest import WATES
from tests.factories import PersonFactory
from tests.outage import redis_stopped

pytestmark = pytest.mark.django_db


def test_officers_keep_reading_and_saving_while_redis_is_down(users, client_for):
    person = PersonFactory(full_name="Sutrisno Wates", region_id=WATES)
    desk = client_for(users["loket"])
    assert desk.get(reverse("home")).status_code == 200  # signed in while Redis was up
    with redis_stopped():
        for url in (
            reverse("home"),
            reverse("complaints:list"),
            reverse("complaints:create"),
            reverse("registry:person-list"),
            reverse("registry:person-detail", args=[person.pk]),
            reverse("notifications:list"),
        ):
            assert desk.get(url).status_code == 200, url
        response = desk.post(reverse("complaints:create"), intake_post(subject=person.pk))
        assert response.status_code == 302
        complaint = Complaint.objects.get(subject=person)
        assert desk.get(complaint.get_absolute_url()).status_code == 200

        newcomer = Client()
        assert newcomer.get(reverse("login")).status_code == 200
        signed_in = newcomer.post(reverse("login"), {"username": "kel.wates", "password": "rahasia-uji-123"})
        assert signed_in.status_code == 302, signed_in.content[:500]
        assert newcomer.get(reverse("home")).context["user"] == users["kel.wates"]


def test_a_report_asked_for_while_redis_is_down_is_recorded_at_once(
    users, client_for, django_capture_on_commit_callbacks
):
    manager = client_for(users["manajer"])
    with redis_stopped():
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):  # the broker is called after the commit
            response = manager.post(reverse("reports:new", args=[ReportType.DISABILITY_RECAP]), {"area": "35.76.02"})
        took = time.monotonic() - started
    report = ReportRequest.objects.get()
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    assert report.status == ReportStatus.QUEUED
    assert took < 5, f"asking for a report took {took:.1f} s with the broker down"


def test_public_forms_say_try_again_shortly_while_redis_is_down(users, client):
    forms = [
        (reverse("complaints-public:form"), online_complaint_data()),
        (reverse("complaints-public:status"), {"ticket": "ADU-2026-000001", "phone": "081322223333"}),
        (reverse("selfreport:form"), {"reporter_name": "Bu Warsini"}),
    ]
    with redis_stopped():
        for url, data in forms:
            assert client.get(url).status_code == 200, url  # the empty form shows: nothing to count yet
            response = client.post(url, data)
            assert response.status_code == 503, url
            assert response.headers["Retry-After"] == "60"
            assert "Coba kirim lagi beberapa menit lagi" in response.text, url
        assert Complaint.objects.count() == 0


def test_healthz_names_redis_while_it_is_down(client):
    with redis_stopped():
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert [problem.split(":")[0] for problem in response.json()["problems"]] == ["redis unreachable"]
