"""The service directory: every role can search it, inactive services stay out of the way, the
demo directory holds the agencies the seeds name, and administrators maintain it."""

import pytest
from django.urls import reverse

from onegate.agencies.models import Agency
from referrals.devdata.directory import load_directory
from referrals.models import Contact, Service, ServiceStatus
from tests.referrals.factories import ServiceFactory, service_with_details


@pytest.fixture
def services(users, dinkes, disdukcapil):
    return {
        "pbi": service_with_details(dinkes, "Pendaftaran PBI-JK", documents=("KTP", "SKTM"), category="kesehatan"),
        "ktp": service_with_details(
            disdukcapil, "Perekaman KTP-el", documents=("Kartu Keluarga (KK)",), category="adminduk"
        ),
        "closed": ServiceFactory(agency=dinkes, name="Layanan lama", status=ServiceStatus.DEFUNCT),
    }


def names(response):
    return {s.name for s in response.context["page"]}


@pytest.mark.parametrize("username", ["admin", "manajer", "loket", "kel.wates", "dinkes", "disdukcapil"])
def test_every_role_can_search_the_directory(users, client_for, services, username):
    response = client_for(users[username]).get(reverse("referrals:directory"))
    assert response.status_code == 200
    assert names(response) == {"Pendaftaran PBI-JK", "Perekaman KTP-el"}  # the discontinued one is hidden


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(reverse("referrals:directory"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_search_matches_words_in_services_agencies_and_documents(users, client_for, services):
    client = client_for(users["loket"])
    url = reverse("referrals:directory")
    assert names(client.get(url, {"q": "sktm"})) == {"Pendaftaran PBI-JK"}
    assert names(client.get(url, {"q": "disdukcapil"})) == {"Perekaman KTP-el"}
    assert names(client.get(url, {"q": "ktp kesehatan"})) == {"Pendaftaran PBI-JK"}  # every word must match
    assert names(client.get(url, {"category": "adminduk"})) == {"Perekaman KTP-el"}
    assert names(client.get(url, {"inactive": "on", "agency": services["pbi"].agency_id})) == {
        "Pendaftaran PBI-JK",
        "Layanan lama",
    }


def test_htmx_gets_only_the_results(users, client_for, services):
    response = client_for(users["loket"]).get(reverse("referrals:directory"), {"q": "ktp"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<form" not in body and "Perekaman KTP-el" in body


def test_a_service_page_shows_documents_hours_and_contacts(users, client_for, services):
    service = services["pbi"]
    Contact.objects.create(agency=service.agency, name="Petugas Jamkesda", phone="0321 111")
    body = client_for(users["dinkes"]).get(reverse("referrals:service-detail", args=[service.pk])).content.decode()
    assert "SKTM" in body and "07:30" in body and "Petugas Jamkesda" in body and service.agency.name in body


def test_a_service_page_shows_the_criteria_the_matching_uses(users, client_for, services):
    """What the suggestions and the unserved lists check, beside the free text written for people
    (which may say more, or less): saved by an administrator, it was shown on no staff page."""
    from referrals.models import ServiceCriteria

    service = services["pbi"]
    url = reverse("referrals:service-detail", args=[service.pk])
    assert 'id="service-criteria"' not in client_for(users["kel.wates"]).get(url).content.decode()
    ServiceCriteria.objects.create(service=service, min_age=18, max_decile=4, not_receiving_program="pbi_jk")
    body = client_for(users["kel.wates"]).get(url).content.decode()
    assert 'id="service-criteria"' in body
    assert "usia 18 tahun ke atas" in body and "Desil kesejahteraan tertinggi: 4" in body and "PBI-JK" in body


def test_the_demo_directory_has_the_agencies_the_seeds_name_and_is_idempotent(regions):
    first = load_directory("35.76")
    assert load_directory("35.76") == {"agencies": 0, "services": 0}
    codes = set(Agency.objects.values_list("code", flat=True))
    assert {
        "dinsos",
        "dinkes",
        "disdik",
        "disdukcapil",
        "disnaker",
        "disperindag",
        "bappeko",
        "baznas",
        "forum-csr",
        "rsud",
    } <= codes
    assert (
        Agency.objects.filter(name__startswith="Puskesmas").exists()
        and Agency.objects.filter(name__startswith="Puskesos").exists()
    )
    own = set(Service.objects.filter(agency__code="dinsos").values_list("name", flat=True))
    for wanted in ("ATENSI", "alat bantu disabilitas", "PKH", "perempuan dan anak"):
        assert any(wanted in name for name in own), wanted
    assert first["services"] == Service.objects.count() >= 20
    for service in Service.objects.all():
        assert service.schedules.exists(), service


def test_administrators_maintain_agencies_and_services(users, client_for, services):
    client = client_for(users["admin"])
    service = services["pbi"]
    assert client.get(reverse("admin:referrals_service_change", args=[service.pk])).status_code == 200
    assert client.get(reverse("admin:referrals_contact_changelist")).status_code == 200
    assert client.get(reverse("admin:referrals_service_changelist"), {"q": "PBI"}).status_code == 200
    assert client_for(users["manajer"]).get(reverse("admin:referrals_service_changelist")).status_code == 302


def test_a_service_added_in_the_admin_keeps_its_documents_hours_and_contacts(users, client_for, dinkes):
    def management(prefix, total):
        return {
            f"{prefix}-TOTAL_FORMS": str(total),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }

    data = {
        "agency": dinkes.pk,
        "name": "Kunjungan rumah",
        "category": "kesehatan",
        "description": "Perawat datang ke rumah.",
        "area": "35.76",
        "status": "active",
        "sla_working_days": "5",
        **management("required_documents", 1),
        "required_documents-0-document": "KTP",
        "required_documents-0-order": "0",
        **management("schedules", 1),
        "schedules-0-first_day": "0",
        "schedules-0-last_day": "4",
        "schedules-0-opens_at": "08:00",
        "schedules-0-closes_at": "14:00",
        **management("contacts", 1),
        "contacts-0-name": "Perawat koordinator",
        "contacts-0-phone": "0321 9",
        **management("criteria", 1),
        "criteria-0-min_age": "60",
        "criteria-0-need_domains": ["kesehatan", "disabilitas"],
        "criteria-0-has_nik": "true",
    }
    response = client_for(users["admin"]).post(reverse("admin:referrals_service_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    service = Service.objects.get(name="Kunjungan rumah")
    assert [d.document for d in service.required_documents.all()] == ["KTP"]
    assert str(service.schedules.get().byday) == "MO,TU,WE,TH,FR"
    contact = service.contacts.get()
    assert contact.agency == dinkes and contact.name == "Perawat koordinator"
    criteria = service.criteria
    assert (criteria.min_age, criteria.need_domains, criteria.has_nik) == (60, ["kesehatan", "disabilitas"], True)
    assert (criteria.max_age, criteria.sex, criteria.dtks_statuses) == (None, "", [])
