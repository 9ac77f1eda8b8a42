import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from onegate import scoping
from onegate.audit.models import LogEntry
from onegate.regions.models import Region
from registry import services
from registry.models import Household, Person, Relationship, VerificationStatus
from tests.conftest import KRANGGAN, WATES
from tests.factories import PersonFactory, nik_for

BORN = datetime.date(1984, 3, 9)


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def member(name="Sutrisno", sex="L", born=BORN, relationship=Relationship.HEAD, serial=1, nik=True):
    return {
        "full_name": name,
        "sex": sex,
        "birth_place": "Mojokerto",
        "birth_date": born,
        "relationship": relationship,
        "nik": nik_for("35.76.02", born, sex, serial) if nik else None,
    }


def wates_household(users, acting="kel.wates", **extra):
    data = {
        "kk_number": "3576020101090001",
        "address": "Jl. Empu Nala 5",
        "rt": "001",
        "rw": "002",
        "region": Region.objects.get(code=WATES),
    }
    members = [
        member(),
        member("Siti Aminah", "P", datetime.date(1987, 5, 21), Relationship.SPOUSE, 2),
        member("Bayu", "L", datetime.date(2012, 7, 1), Relationship.CHILD, 3),
    ]
    return services.household_create(data={**data, **extra}, members=members, acting_user=users[acting])


def test_an_officer_registers_a_household_with_members_as_a_draft(users):
    household = wates_household(users)
    assert household.status == VerificationStatus.DRAFT and household.created_by == users["kel.wates"]
    people = list(household.members.order_by("birth_date"))
    assert [p.full_name for p in people] == ["Sutrisno", "Siti Aminah", "Bayu"]
    assert {p.region_id for p in people} == {WATES}
    assert LogEntry.objects.filter(action=LogEntry.Action.CREATE, content_type__model="person").count() == 3


def test_an_officer_cannot_register_into_another_kelurahan(users):
    with pytest.raises(PermissionDenied):
        services.household_create(
            data={"address": "Jl. Kranggan 1", "region": Region.objects.get(code=KRANGGAN)},
            members=[],
            acting_user=users["kel.wates"],
        )
    assert not Household.objects.exists()


def test_front_desk_and_agencies_cannot_register(users):
    for username in ("loket", "dinkes"):
        with pytest.raises(PermissionDenied):
            wates_household(users, acting=username)
    assert not Household.objects.exists()


def test_a_kecamatan_is_not_an_address(users):
    with pytest.raises(ValidationError, match="kelurahan or desa"):
        services.household_create(
            data={"address": "x", "region": Region.objects.get(code="35.76.02")},
            members=[],
            acting_user=users["manajer"],
        )


def test_a_nik_that_disagrees_must_be_confirmed_and_nothing_is_saved_before(users):
    wrong_sex = {**member(), "sex": "P"}
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(
            data={**wrong_sex, "region": Region.objects.get(code=WATES)}, acting_user=users["kel.wates"]
        )
    assert set(excinfo.value.message_dict) == {"sex"}
    assert not Person.objects.exists()
    person = services.person_create(
        data={**wrong_sex, "region": Region.objects.get(code=WATES)}, acting_user=users["kel.wates"], confirm_nik=True
    )
    assert person.nik_mismatch_confirmed


def test_a_person_without_nik_is_flagged_for_civil_registration(users):
    person = services.person_create(
        data={**member(nik=False), "region": Region.objects.get(code=WATES)}, acting_user=users["kel.wates"]
    )
    assert person.nik is None and person.needs_civil_documents


def test_a_nik_exists_once(users):
    services.person_create(data={**member(), "region": Region.objects.get(code=WATES)}, acting_user=users["kel.wates"])
    with pytest.raises(ValidationError, match="NIK"):
        services.person_create(
            data={**member("Orang Lain"), "region": Region.objects.get(code=WATES)}, acting_user=users["kel.wates"]
        )


def test_submit_verify_and_edit_sends_it_back(users):
    household = wates_household(users)
    services.record_submit(household, acting_user=users["kel.wates"])
    assert set(household.members.values_list("status", flat=True)) == {VerificationStatus.SUBMITTED}
    with pytest.raises(PermissionDenied):
        services.record_verify(household, acting_user=users["kel.wates"])
    services.record_verify(household, acting_user=users["manajer"])
    assert household.status == VerificationStatus.VERIFIED
    assert set(household.members.values_list("status", flat=True)) == {VerificationStatus.VERIFIED}
    head = household.members.get(relationship=Relationship.HEAD)
    services.person_update(head, data={"phone": "081234567890"}, acting_user=users["kel.wates"])
    head.refresh_from_db()
    assert head.status == VerificationStatus.SUBMITTED and head.verified_by is None
    versions = LogEntry.objects.get_for_object(head).filter(action=LogEntry.Action.UPDATE)
    assert any(e.changes.get("status") == ["verified", "submitted"] for e in versions)


def test_reject_needs_a_reason_and_the_record_can_be_resubmitted(users):
    household = wates_household(users)
    services.record_submit(household, acting_user=users["kel.wates"])
    with pytest.raises(ValidationError):
        services.record_reject(household, acting_user=users["manajer"], reason="  ")
    services.record_reject(household, acting_user=users["manajer"], reason="Alamat tidak lengkap")
    assert household.status == VerificationStatus.REJECTED and household.rejection_reason == "Alamat tidak lengkap"
    services.record_submit(household, acting_user=users["kel.wates"])
    assert household.status == VerificationStatus.SUBMITTED and household.rejection_reason == ""


def test_moving_a_person_out_of_the_officers_kelurahan_is_refused_and_rolled_back(users):
    person = PersonFactory(region_id=WATES)
    with pytest.raises(PermissionDenied):
        services.person_update(
            person, data={"region": Region.objects.get(code=KRANGGAN)}, acting_user=users["kel.wates"], confirm_nik=True
        )
    assert Person.objects.get(pk=person.pk).region_id == WATES


def test_likely_duplicates_by_nik_and_by_similar_name_and_birth_date(users):
    existing = PersonFactory(full_name="Muhammad Rizky Pratama", birth_date=BORN, region_id=WATES)
    PersonFactory(full_name="Muhammad Rizky Pratama", birth_date=BORN, region_id="33.16.02.1005")  # another regency
    found = services.find_likely_duplicates(
        full_name="Muhamad Rizki Pratama", birth_date=BORN, region=Region.objects.get(code=KRANGGAN)
    )
    assert [c.person for c in found] == [existing]
    by_nik = services.find_likely_duplicates(
        full_name="Nama Lain", birth_date=None, region=Region.objects.get(code=WATES), nik=existing.nik
    )
    assert [c.person for c in by_nik] == [existing]
    assert (
        services.find_likely_duplicates(
            full_name="Budi Santoso", birth_date=BORN, region=Region.objects.get(code=WATES)
        )
        == []
    )


def test_registry_scoping(users):
    wates, kranggan = PersonFactory(region_id=WATES), PersonFactory(region_id=KRANGGAN)

    def visible(username):
        return set(scoping.restrict(Person.objects.all(), users[username]))

    assert visible("kel.wates") == {wates} and visible("kel.kranggan") == {kranggan}
    assert visible("manajer") == visible("loket") == {wates, kranggan}
    assert visible("dinkes") == set()
    with pytest.raises(scoping.OutOfScope):
        scoping.get_scoped_object(users["kel.wates"], Person, pk=kranggan.pk)
    with pytest.raises(PermissionDenied):
        scoping.get_scoped_object(users["loket"], Person, "change", pk=wates.pk)
