"""PPKS records and program receipts on a person's page: added, closed, removed within scope,
audited, and a verified person goes back for verification."""

import pytest
from django.urls import reverse
from django.utils import timezone

from onegate.audit.models import LogEntry
from registry.models import PersonPpks, PpksCategory, PpksStatus, Program, ProgramReceipt, VerificationStatus
from tests.conftest import KRANGGAN
from tests.factories import PersonFactory


@pytest.fixture
def person(users):
    return PersonFactory(
        full_name="Sutrisno Wates",
        status=VerificationStatus.VERIFIED,
        verified_by=users["manajer"],
        verified_at=timezone.now(),
    )


def street_children():
    return PpksCategory.objects.get(name="Anak Jalanan")


def test_an_officer_adds_a_ppks_record_and_the_verified_person_goes_back(users, person, client_for):
    client = client_for(users["kel.wates"])
    response = client.post(
        reverse("registry:ppks-add", args=[person.pk]),
        {
            "category": street_children().pk,
            "identified_on": "03/11/2026",
            "source": "Penjangkauan",
            "status": PpksStatus.ACTIVE,
        },
    )
    assert response.status_code == 302
    record = PersonPpks.objects.get(person=person)
    assert (record.category, record.identified_on.isoformat(), record.source) == (
        street_children(),
        "2026-11-03",
        "Penjangkauan",
    )
    person.refresh_from_db()
    assert person.status == VerificationStatus.SUBMITTED and person.verified_by is None
    assert LogEntry.objects.get_for_object(record).filter(action=LogEntry.Action.CREATE).exists()


def test_the_same_category_twice_is_refused_on_the_category_field(users, person, client_for):
    PersonPpks.objects.create(person=person, category=street_children())
    response = client_for(users["kel.wates"]).post(
        reverse("registry:ppks-add", args=[person.pk]), {"category": street_children().pk, "status": PpksStatus.ACTIVE}
    )
    assert response.status_code == 200
    assert "sudah memiliki kategori PPKS ini" in str(response.context["form"].errors["category"])
    assert PersonPpks.objects.filter(person=person).count() == 1


def test_marking_a_ppks_record_handled_keeps_its_category(users, person, client_for):
    record = PersonPpks.objects.create(person=person, category=street_children(), source="RT")
    client = client_for(users["kel.wates"])
    assert client.post(reverse("registry:ppks-handled", args=[person.pk, record.pk])).status_code == 302
    record.refresh_from_db()
    assert record.status == PpksStatus.HANDLED and record.category == street_children()
    # The category of an existing record cannot be switched by a crafted post.
    other = PpksCategory.objects.get(name="Pengemis")
    client.post(
        reverse("registry:ppks-edit", args=[person.pk, record.pk]),
        {"category": other.pk, "status": PpksStatus.ACTIVE, "source": "RW", "version": 2},
    )
    record.refresh_from_db()
    assert (record.category, record.status, record.source) == (street_children(), PpksStatus.ACTIVE, "RW")


def test_program_receipts_are_added_once_per_year_and_removed(users, person, client_for):
    client = client_for(users["kel.wates"])
    url = reverse("registry:program-add", args=[person.pk])
    assert client.post(url, {"program": Program.PKH, "year": 2025, "note": "tahap 2"}).status_code == 302
    assert client.post(url, {"program": Program.PKH, "year": 2025}).status_code == 200  # refused, form shown again
    assert client.post(url, {"program": Program.PKH, "year": 1990}).status_code == 200
    receipt = ProgramReceipt.objects.get(person=person)
    assert (receipt.program, receipt.year, receipt.note) == (Program.PKH, 2025, "tahap 2")
    assert client.get(reverse("registry:program-remove", args=[person.pk, receipt.pk])).status_code == 405
    assert client.post(reverse("registry:program-remove", args=[person.pk, receipt.pk])).status_code == 302
    assert not ProgramReceipt.objects.filter(person=person).exists()
    assert LogEntry.objects.filter(object_pk=str(receipt.pk), action=LogEntry.Action.DELETE).exists()


@pytest.mark.parametrize("username, status", [("kel.kranggan", 404), ("loket", 403), ("dinkes", 404), ("admin", 404)])
def test_only_writers_in_scope_change_records(users, person, client_for, username, status):
    """Out of scope: the person is not there (404); read-only: forbidden (403); nothing is written."""
    record = PersonPpks.objects.create(person=person, category=street_children())
    receipt = ProgramReceipt.objects.create(person=person, program=Program.BPNT, year=2024)
    client = client_for(users[username])
    assert (
        client.post(
            reverse("registry:ppks-add", args=[person.pk]),
            {"category": PpksCategory.objects.get(code=1).pk, "status": "aktif"},
        ).status_code
        == status
    )
    assert client.post(reverse("registry:ppks-handled", args=[person.pk, record.pk])).status_code == status
    assert client.post(reverse("registry:program-remove", args=[person.pk, receipt.pk])).status_code == status
    assert (
        PersonPpks.objects.filter(person=person).count() == 1 and ProgramReceipt.objects.filter(pk=receipt.pk).exists()
    )
    record.refresh_from_db()
    assert record.status == PpksStatus.ACTIVE


def test_a_record_of_another_person_is_not_reachable_through_this_person(users, person, client_for):
    other = PersonFactory(region_id=person.region_id)
    record = PersonPpks.objects.create(person=other, category=street_children())
    response = client_for(users["kel.wates"]).post(reverse("registry:ppks-handled", args=[person.pk, record.pk]))
    assert response.status_code == 404


def test_the_person_page_lists_programs_and_ppks_with_their_actions(users, person, client_for):
    PersonPpks.objects.create(person=person, category=street_children(), source="Penjangkauan")
    ProgramReceipt.objects.create(person=person, program=Program.PKH, year=2025)
    page = client_for(users["kel.wates"]).get(person.get_absolute_url()).content.decode()
    assert "Anak Jalanan" in page and "PKH 2025" in page
    assert (
        reverse("registry:ppks-add", args=[person.pk]) in page
        and reverse("registry:program-add", args=[person.pk]) in page
    )
    read_only = client_for(users["loket"]).get(person.get_absolute_url()).content.decode()
    assert "Anak Jalanan" in read_only and reverse("registry:ppks-add", args=[person.pk]) not in read_only


def test_kranggan_person_is_out_of_reach_for_wates(users, client_for):
    person = PersonFactory(region_id=KRANGGAN)
    assert client_for(users["kel.wates"]).get(reverse("registry:program-add", args=[person.pk])).status_code == 404
