"""The personal data access report (UU 27/2022 Pasal 32): asked from the person's page by a manager
who can see them, audited, rendered for real (PDF text and the JSON beside it) with what each
agency was shown under which consent and who processed the person's records."""

import datetime
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, AssessmentNeed
from onegate.accounts.models import Role
from onegate.audit.models import LogEntry
from registry import consent
from registry.models import ConsentDecisionKind, DisabilityProfile, Person, WelfareProfile
from reports import services
from reports.models import ReportRequest, ReportStatus, ReportType
from tests.complaints.factories import make_complaint
from tests.conftest import KRANGGAN
from tests.factories import PersonFactory, UserFactory
from tests.referrals.conftest import complaint, directory, sent, wates_person  # noqa: F401  (fixtures)
from tests.reports.conftest import pdf_of, pdf_text


@pytest.fixture
def magersari_manager(users):
    return UserFactory(username="manajer.magersari", role=Role.MANAGER, region_id="35.76.02")


@pytest.fixture
def rendered(private_media, django_capture_on_commit_callbacks, monkeypatch):
    """``rendered(client, person)``: ask for the access report through the page, render it here
    as a worker would; returns the refreshed request."""
    monkeypatch.setattr(services, "enqueue", lambda pk: None)

    def ask(client, person):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("reports:access", args=[person.pk]))
        assert response.status_code == 302, response.status_code
        report = ReportRequest.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
        assert services.run(report.pk) == ReportStatus.READY, report.error
        report.refresh_from_db()
        return report

    return ask


@pytest.fixture
def casework(users, client_for, directory, complaint, wates_person):  # noqa: F811
    """Sumarni's records: a disability profile with Washington Group answers and devices, a welfare
    profile, a complaint about her and one she made for a neighbour, a referral to Dinkes with her
    consent that Dinkes opened, then her withdrawal; kel.wates looked at her page."""
    DisabilityProfile.objects.create(
        person=wates_person,
        types=["fisik"],
        severity="berat",
        devices_needed=["kursi_roda"],
        devices_owned=["kruk"],
        wg_walking=4,
        caregiver_name="Parmin",
    )
    WelfareProfile.objects.create(person=wates_person, dtks_status="terdaftar", decile=2)
    visit = Assessment.objects.create(
        household=wates_person.household,
        region_id=wates_person.region_id,
        visited_on=datetime.date(2026, 11, 2),
        assessor=users["kel.wates"],
        summary="Rumah lembap, atap bocor.",
    )
    AssessmentNeed.objects.create(
        assessment=visit, person=wates_person, domain="kesehatan", level=2, note="Kontrol rutin"
    )
    neighbour = PersonFactory(full_name="Tetangga Wates", region_id=wates_person.region_id)
    made = make_complaint(
        users["loket"],
        subject=neighbour,
        complainant_name="sumarni wates",
        complainant_phone="0812-3334-4455",
        description="Tetangga sakit dan belum punya BPJS.",
    )
    referral = sent(users["loket"], directory["pbi"], complaint=complaint, with_consent=True)
    assert client_for(users["dinkes"]).get(reverse("referrals:detail", args=[referral.pk])).status_code == 200
    consent.record_decision(
        wates_person,
        kind=ConsentDecisionKind.WITHDRAWN,
        data={"decided_by": "Sumarni", "decider": "diri_sendiri", "method": "tertulis", "decided_at": timezone.now()},
        acting_user=users["loket"],
    )
    assert client_for(users["kel.wates"]).get(wates_person.get_absolute_url()).status_code == 200
    return {"referral": referral, "made": made}


def test_the_access_report_holds_the_record_what_agencies_were_shown_and_who_processed_it(
    users, client_for, magersari_manager, casework, wates_person, rendered
):
    client = client_for(magersari_manager)
    page = client.get(wates_person.get_absolute_url()).text
    assert reverse("reports:access", args=[wates_person.pk]) in page
    report = rendered(client, wates_person)
    referral = casework["referral"]
    assert report.data == {}  # the person's data is in the files only, deleted when they expire

    text = " ".join(pdf_text(report).split())
    assert pdf_of(report).metadata.title.endswith(wates_person.full_name)
    for expected in (
        wates_person.full_name,
        wates_person.nik,  # a manager sees the whole NIK (registry.privacy)
        "Jl. Empunala No. 7 RT 003/RW 005",
        "Kursi roda",  # the devices needed, in the office's language
        "Sama sekali tidak bisa",  # the Washington Group answer for walking
        "Parmin",
        "Rumah lembap, atap bocor.",  # the household's needs assessment
        "Kontrol rutin",  # her own need found on the visit
        casework["made"].ticket_number,  # the complaint she made for her neighbour
        referral.number,
        "Dinas Kesehatan",
        users["dinkes"].get_full_name(),  # the agency officer who opened the referral
        users["kel.wates"].get_full_name(),  # the officer who looked at her page
    ):
        assert expected in text, expected

    response = client.get(reverse("reports:download-json", args=[report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = json.loads(b"".join(response.streaming_content))
    sections = {s["key"]: s for s in data["sections"]}
    assert list(sections) == [
        "identity", "household", "disability", "welfare", "ppks", "assessments", "consent",
        "complaints", "referrals", "self_reports", "files", "trail",
    ]  # fmt: skip
    letter = next(b for b in sections["referrals"]["blocks"] if b["title"] == referral.number)
    shown = {f["label"]: f["value"] for f in letter["fields"]}
    under_consent = next(v for k, v in shown.items() if wates_person.nik in v)
    assert "081233344455" in under_consent  # what Dinkes saw while the consent stood
    now = [v for k, v in shown.items() if "Wates" in v and "Sumarni Wates" in v and wates_person.nik not in v]
    assert now, shown  # and what it sees since the withdrawal: the minimum
    trail = sections["trail"]["blocks"][-1]["rows"]
    assert any(users["dinkes"].get_full_name() in row[1] and referral.number in row[3] for row in trail), trail
    assert any(users["kel.wates"].get_full_name() in row[1] and wates_person.full_name in row[3] for row in trail)


def test_asking_is_audited_and_only_the_requesting_manager_downloads(
    users, client_for, magersari_manager, wates_person, rendered
):
    report = rendered(client_for(magersari_manager), wates_person)
    assert LogEntry.objects.get_for_object(report).filter(action=LogEntry.Action.CREATE, actor=magersari_manager)
    person_type = ContentType.objects.get_for_model(Person)
    assert LogEntry.objects.filter(
        content_type=person_type, object_pk=str(wates_person.pk), action=LogEntry.Action.ACCESS, actor=magersari_manager
    ).exists()
    city = client_for(users["manajer"])  # sees the request (its scope lies in the city) but not the file
    assert city.get(report.get_absolute_url()).status_code == 200
    assert 'id="report-download"' not in city.get(report.get_absolute_url()).text
    assert city.get(reverse("reports:download", args=[report.pk])).status_code == 403
    assert city.get(reverse("reports:download-json", args=[report.pk])).status_code == 403


@pytest.mark.parametrize(
    ("username", "status"),
    [("kel.kranggan", 404), ("dinkes", 404), ("kel.wates", 403), ("loket", 403)],
)
def test_only_a_manager_who_can_see_the_person_may_ask(users, client_for, wates_person, username, status):
    response = client_for(users[username]).post(reverse("reports:access", args=[wates_person.pk]))
    assert response.status_code == status and not ReportRequest.objects.exists()


def test_a_manager_of_another_kecamatan_gets_404(users, client_for, magersari_manager):
    kranggan = PersonFactory(region_id=KRANGGAN, birth_date=datetime.date(1970, 1, 1))
    assert client_for(magersari_manager).post(reverse("reports:access", args=[kranggan.pk])).status_code == 404
    assert not ReportRequest.objects.exists()


def test_the_json_goes_with_the_pdf_when_the_report_expires(
    users, client_for, magersari_manager, wates_person, rendered
):
    report = rendered(client_for(magersari_manager), wates_person)
    pdf, side = services.file_of(report), services.file_of(report).with_suffix(".json")
    assert pdf.is_file() and side.is_file()
    ReportRequest.objects.filter(pk=report.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert services.purge_expired() == 1 and not pdf.exists() and not side.exists()


def test_the_kind_is_offered_only_to_managers(users):
    from reports import kinds

    access = kinds.get(ReportType.ACCESS_REPORT)
    assert [u for u in users if access.can_request(users[u])] == ["manajer"]
