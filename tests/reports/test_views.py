"""The reports pages: asking for a report within one's scope, following it, downloading it (scoped
and audited)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from onegate.audit.models import LogEntry
from registry.models import Person
from reports import services
from reports.models import ReportRequest, ReportStatus, ReportType
from tests.conftest import KRANGGAN, WATES
from tests.files import assert_private

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    sent = []
    monkeypatch.setattr(services, "enqueue", sent.append)
    return sent


@pytest.fixture
def ready(users, registry_data, private_media, sent):
    """A ready disability recap of Wates asked for by the Wates officer."""
    report = services.request_report(user=users["kel.wates"], report_type=ReportType.DISABILITY_RECAP)
    services.run(report.pk)
    report.refresh_from_db()
    return report


def test_the_list_offers_each_role_the_reports_it_may_ask_for(users, client_for):
    page = client_for(users["manajer"]).get(reverse("reports:list"))
    assert page.status_code == 200
    assert (
        f'data-kind="{ReportType.DISABILITY_RECAP}"' in page.text
        and f'data-kind="{ReportType.PPKS_RECAP}"' in page.text
    )
    page = client_for(users["dinkes"]).get(reverse("reports:list"))
    assert page.status_code == 200 and 'data-kind="rekap_disabilitas"' not in page.text
    assert client_for(users["admin"]).get(reverse("reports:list")).status_code == 403


def test_asking_for_a_report_records_it_and_shows_its_progress(
    users, client_for, sent, django_capture_on_commit_callbacks
):
    client = client_for(users["manajer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:new", args=[ReportType.DISABILITY_RECAP]), {"area": "35.76.02", "include_unverified": "on"}
        )
    report = ReportRequest.objects.get()
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    assert report.regions == ["35.76.02"] and report.include_unverified and sent == [report.pk]
    page = client.get(report.get_absolute_url())
    assert (
        'id="report-progress-bar"' in page.text
        and f'hx-get="{reverse("reports:progress", args=[report.pk])}"' in page.text
    )
    partial = client.get(reverse("reports:progress", args=[report.pk]), HTTP_HX_REQUEST="true")
    assert 'value="0"' in partial.text


def test_the_form_offers_only_areas_in_the_users_scope(users, client_for, sent):
    client = client_for(users["kel.wates"])
    page = client.get(reverse("reports:new", args=[ReportType.PPKS_RECAP]))
    assert f'value="{WATES}"' in page.text and f'value="{KRANGGAN}"' not in page.text
    response = client.post(reverse("reports:new", args=[ReportType.PPKS_RECAP]), {"area": KRANGGAN})
    assert response.status_code == 200 and "error-summary" in response.text
    assert not ReportRequest.objects.exists()


def test_an_agency_cannot_ask_for_a_registry_recap(users, client_for):
    assert (
        client_for(users["dinkes"]).get(reverse("reports:new", args=[ReportType.DISABILITY_RECAP])).status_code == 403
    )


def test_a_finished_report_reloads_the_progress_page_and_offers_the_download(users, client_for, ready):
    client = client_for(users["kel.wates"])
    partial = client.get(reverse("reports:progress", args=[ready.pk]), HTTP_HX_REQUEST="true")
    assert partial.headers["HX-Refresh"] == "true"
    page = client.get(ready.get_absolute_url())
    assert 'id="report-download"' in page.text
    assert (
        reverse("reports:figures", args=[ready.pk, "xlsx"]) in page.text
        and reverse("reports:figures", args=[ready.pk, "csv"]) in page.text
    )


def test_the_download_is_the_pdf_and_is_written_in_the_audit_trail(users, client_for, ready):
    response = client_for(users["kel.wates"]).get(reverse("reports:download", args=[ready.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(ReportRequest),
        object_pk=str(ready.pk),
        action=LogEntry.Action.ACCESS,
    )
    assert entry.actor == users["kel.wates"]


@pytest.mark.parametrize(
    "username, expected", [("kel.kranggan", 404), ("loket", 404), ("dinkes", 404), ("admin", 403), ("manajer", 200)]
)
def test_who_may_see_and_download_someone_elses_report(users, client_for, ready, username, expected):
    client = client_for(users[username])
    assert client.get(ready.get_absolute_url()).status_code == expected
    assert client.get(reverse("reports:download", args=[ready.pk])).status_code == expected


def test_an_agency_officer_sees_only_the_reports_of_their_agency(users, client_for):
    def agency_report(user):
        return ReportRequest.objects.create(
            report_type=ReportType.SERVICE_RECAP, requested_by=user, scope_role="agency", scope_agency=user.agency
        )

    dinkes_report, other = agency_report(users["dinkes"]), agency_report(users["disdukcapil"])
    from tests.factories import UserFactory

    colleague = UserFactory(username="dinkes.2", role="agency", region_id=None, agency=users["dinkes"].agency)
    listing = client_for(colleague).get(reverse("reports:list")).text
    assert f'data-report="{dinkes_report.pk}"' in listing and f'data-report="{other.pk}"' not in listing
    assert client_for(colleague).get(other.get_absolute_url()).status_code == 404


def test_a_report_not_ready_or_expired_has_no_download(users, client_for, ready):
    ReportRequest.objects.filter(pk=ready.pk).update(status=ReportStatus.EXPIRED, file_path="")
    assert client_for(users["kel.wates"]).get(reverse("reports:download", args=[ready.pk])).status_code == 404


def test_the_person_page_asks_for_the_profile_sheet(users, client_for, registry_data, sent):
    ani = registry_data["ani"]
    client = client_for(users["kel.wates"])
    page = client.get(ani.get_absolute_url())
    url = reverse("reports:person-profile", args=[ani.pk])
    assert f'action="{url}"' in page.text
    response = client.post(url)
    report = ReportRequest.objects.get()
    assert response.url == report.get_absolute_url() and report.person == ani
    # Asking is a look at the person's record, written in their view log.
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_pk=str(ani.pk), action=LogEntry.Action.ACCESS
    ).exists()
    assert client_for(users["kel.kranggan"]).post(url).status_code == 404
    assert "reports:person-profile" not in client_for(users["dinkes"]).get(reverse("reports:list")).text


def test_asking_for_a_beneficiary_list_of_several_kelurahan(
    users, client_for, sent, django_capture_on_commit_callbacks
):
    client = client_for(users["manajer"])
    url = reverse("reports:new", args=[ReportType.BENEFICIARY_LIST])
    page = client.get(url)
    assert (
        'type="checkbox"' in page.text and f'value="{WATES}"' in page.text and 'value="35.76.02"' not in page.text
    )  # kelurahan only
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"areas": [WATES, KRANGGAN], "population": "disabilitas"})
    report = ReportRequest.objects.get()
    assert response.url == report.get_absolute_url()
    assert (report.regions, report.population, report.include_unverified) == ([WATES, KRANGGAN], "disabilitas", False)


def test_the_beneficiary_list_is_for_those_who_may_export_the_registry(users, client_for):
    url = reverse("reports:new", args=[ReportType.BENEFICIARY_LIST])
    assert 'data-kind="daftar_penerima"' not in client_for(users["loket"]).get(reverse("reports:list")).text
    assert client_for(users["loket"]).get(url).status_code == 403
    page = client_for(users["kel.wates"]).get(url)
    assert f'value="{WATES}"' in page.text and f'value="{KRANGGAN}"' not in page.text


def test_a_rendered_report_is_stored_for_the_portal_user_only(users, registry_data, private_root, sent):
    report = services.request_report(user=users["kel.wates"], report_type=ReportType.DISABILITY_RECAP)
    services.run(report.pk)
    assert_private(services.file_of(report.__class__.objects.get(pk=report.pk)), private_root)
