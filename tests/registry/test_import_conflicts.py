"""An import confirmed after someone edited a record it changes: the edit is kept, the row is
reported on the batch as a conflict, the other rows are written (issue 16: imports cannot
overwrite newer work either)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation

from onegate.audit import acting_as
from registry import services
from registry.importing.problems import for_reader
from registry.models import Household, ImportStatus, Person, Relationship
from registry.privacy import mask_nik
from tests.conftest import WATES
from tests.factories import HouseholdFactory, PersonFactory
from tests.registry.test_import import (
    confirm,
    private_media,  # noqa: F401 (fixture)
    upload,
)


@pytest.fixture
def people(users):
    made = []
    for name, phone in (("Sutrisno Wates", "0811111111"), ("Sulastri Wates", "0822222222")):
        home = HouseholdFactory(region_id=WATES, address="Jl. Lama 1")
        made.append(
            PersonFactory(full_name=name, region_id=WATES, household=home, relationship=Relationship.HEAD, phone=phone)
        )
    return made


def phones_file(people) -> SimpleUploadedFile:
    lines = "".join(f"{p.nik},08770000{i}\n" for i, p in enumerate(people, start=1))
    return SimpleUploadedFile("data.csv", f"nik,telepon\n{lines}".encode())


def edit_person(person, user, **data) -> None:
    with acting_as(user), transaction.atomic():
        services.person_update(Person.objects.get(pk=person.pk), data=data, acting_user=user)


def shown_conflicts(batch, reader) -> list[dict]:
    with translation.override("en"):
        return for_reader(batch.conflicts, reader)


def test_a_person_edited_after_the_preview_keeps_the_edit_and_the_row_is_reported(
    users,
    people,
    private_media,  # noqa: F811
):
    edited, untouched = people
    officer, manager = users["kel.wates"], users["manajer"]
    batch = upload(officer, phones_file(people))
    assert batch.changed_count == 2
    edit_person(edited, manager, phone="0899999999")

    batch = confirm(officer, batch)

    assert batch.status == ImportStatus.DONE
    assert Person.objects.get(pk=edited.pk).phone == "0899999999"  # the edit is kept
    assert Person.objects.get(pk=untouched.pk).phone == "087700002"  # the other row written
    assert (batch.changed_count, batch.conflict_count) == (1, 1)
    [conflict] = shown_conflicts(batch, officer)
    assert (conflict["line"], conflict["nik"], conflict["name"]) == (2, edited.nik, "Sutrisno Wates")
    assert f"Changed by {manager.get_full_name() or manager.username} on " in conflict["text"]
    assert "after the preview: not updated" in conflict["text"]
    # A role that sees masked NIKs sees this one masked too.
    [masked] = shown_conflicts(batch, users["loket"])
    assert masked["nik"] == mask_nik(edited.nik) != edited.nik


def test_importing_the_file_again_after_a_conflict_applies_it(
    users,
    people,
    private_media,  # noqa: F811
):
    edited, _untouched = people
    officer = users["kel.wates"]
    batch = upload(officer, phones_file(people))
    edit_person(edited, users["manajer"], phone="0899999999")
    confirm(officer, batch)

    again = confirm(officer, upload(officer, phones_file(people)))

    assert (again.status, again.conflict_count, again.changed_count) == (ImportStatus.DONE, 0, 1)
    assert Person.objects.get(pk=edited.pk).phone == "087700001"


def test_a_household_edited_after_the_preview_keeps_the_edit(
    users,
    people,
    private_media,  # noqa: F811
):
    person = people[0]
    home = person.household
    officer = users["kel.wates"]
    csv = f"nik,no_kk,alamat,telepon\n{person.nik},{home.kk_number},Jl. Baru 2,0877000111\n"
    batch = upload(officer, SimpleUploadedFile("data.csv", csv.encode()))
    assert batch.changed_count == 1
    with acting_as(users["manajer"]), transaction.atomic():
        services.household_update(
            Household.objects.get(pk=home.pk), data={"address": "Jl. Sunting 3"}, acting_user=users["manajer"]
        )

    batch = confirm(officer, batch)

    assert batch.status == ImportStatus.DONE
    assert Household.objects.get(pk=home.pk).address == "Jl. Sunting 3"
    [conflict] = shown_conflicts(batch, officer)
    assert (conflict["line"], conflict["column"], conflict["nik"], conflict["name"]) == (
        2,
        "no_kk",
        person.nik,
        "Sutrisno Wates",
    )
    assert "Changed by " in conflict["text"] and "after the preview" in conflict["text"]
