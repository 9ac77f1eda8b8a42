"""Versioned edits in the registry: two people editing the same record from the same version, the
second save refused with what changed meanwhile, nothing typed lost (issue 16, lost update)."""

import pytest
from django.test import Client
from django.urls import reverse

from onegate import versioning
from registry import merging, services
from registry.models import DisabilityProfile, Person, Relationship, WelfareProfile
from tests.conftest import WATES
from tests.factories import HouseholdFactory, PersonFactory
from tests.registry.test_import import private_media  # noqa: F401 (fixture)


@pytest.fixture
def person(users):
    home = HouseholdFactory(region_id=WATES)
    return PersonFactory(full_name="Sutrisno Wates", region_id=WATES, household=home, relationship=Relationship.HEAD,
                         phone="0811111111")  # fmt: skip


def signed_in(user) -> Client:
    """A browser session of its own (two people at two desks)."""
    client = Client()
    client.force_login(user, backend="onegate.accounts.backends.ModelBackend")
    return client


def edit_data(page, **changes) -> dict:
    """The edit form as the page rendered it (hidden version included), with some fields typed over."""
    data = {}
    for field in page.context["form"]:
        value = field.value()
        if value is None or value is False:
            continue
        data[field.html_name] = value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else value
    return {**data, **changes}


def test_a_save_from_an_older_person_form_is_refused_and_shows_what_changed(users, person):
    url = reverse("registry:person-edit", args=[person.pk])
    officer, manager = signed_in(users["kel.wates"]), signed_in(users["manajer"])
    officer_page, manager_page = officer.get(url), manager.get(url)

    # The officer saves a new phone number first.
    assert officer.post(url, edit_data(officer_page, phone="0822222222")).status_code == 302
    # The manager, from the older form, changes the occupation (and leaves the old phone in the form).
    page = manager.post(url, edit_data(manager_page, occupation="Petani"))

    assert page.status_code == 200
    stored = Person.objects.get(pk=person.pk)
    assert (stored.phone, stored.occupation) == ("0822222222", "")  # no lost update, nothing half-saved
    conflict = page.context["conflict"]
    [change] = conflict.changes
    assert change.actor == str(users["kel.wates"])
    assert [(f.name, f.label, f.old, f.new) for f in change.fields] == [
        ("phone", "Telepon", "0811111111", "0822222222")
    ]
    assert conflict.typed == {("", "phone"): "0811111111"}
    body = page.content.decode()
    assert 'value="Petani"' in body  # what the manager typed is kept
    assert f'name="version" value="{stored.version}"' in body  # …with the version now stored

    # Merged and saved again: it goes through.
    again = manager.post(url, edit_data(page, phone="0822222222", occupation="Petani"))
    assert again.status_code == 302
    stored.refresh_from_db()
    assert (stored.phone, stored.occupation) == ("0822222222", "Petani")


def test_the_conflict_panel_names_fields_in_indonesian(users, person):
    url = reverse("registry:person-edit", args=[person.pk])
    officer, manager = signed_in(users["kel.wates"]), signed_in(users["manajer"])
    officer_page, manager_page = officer.get(url), manager.get(url)
    officer.post(url, edit_data(officer_page, phone="0822222222"))
    body = manager.post(url, edit_data(manager_page, occupation="Petani"), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Telepon" in body and "0822222222" in body and "kel.wates" in body
    assert "Orang lain menyimpan data ini setelah Anda membukanya" in body


def test_what_changed_meanwhile_reads_like_the_history_and_masks_the_nik_by_role(users, person):
    """The conflict panel's changes come from onegate.audit.display: labels, choice labels, names of
    related records, dates, yes/no; a NIK whole only for the roles that read it whole."""
    import datetime

    from django.db import transaction

    from onegate import audit
    from tests.conftest import KRANGGAN

    with transaction.atomic(), audit.acting_as(users["kel.wates"]):
        sex = "L" if person.sex == "P" else "P"
        person.nik, person.sex, person.region_id = "3576021505800001", sex, KRANGGAN
        person.birth_date, person.needs_civil_documents = datetime.date(1980, 5, 15), True
        versioning.save(person)
    fields = {f.name: f for [change] in [versioning.changes_since(person, 1, reader=users["manajer"])]
              for f in change.fields}  # fmt: skip
    assert (fields["nik"].label, fields["nik"].new) == ("NIK", "3576021505800001")
    assert (fields["sex"].label, fields["sex"].new) == ("Jenis kelamin", {"L": "Laki-laki", "P": "Perempuan"}[sex])
    assert fields["region"].new == "Kranggan (35.76.03.1001)" and fields["region"].old.startswith("Wates")
    assert fields["birth_date"].new == "15/05/1980"
    assert fields["needs_civil_documents"].new == "ya"
    [change] = versioning.changes_since(person, 1, reader=users["loket"])
    assert {f.name: f.new for f in change.fields}["nik"] == "3576********0001"
    with audit.acting_as(users["loket"]):  # by default, read as the user acting now
        [change] = versioning.changes_since(person, 1)
    assert {f.name: f.new for f in change.fields}["nik"] == "3576********0001"
    assert change.actor == str(users["kel.wates"])


def test_the_service_refuses_a_stale_version_and_counts_versions(users, person):
    assert person.version == 1
    services.person_update(person, data={"phone": "0833"}, acting_user=users["kel.wates"])
    assert Person.objects.get(pk=person.pk).version == 2
    stale = Person.objects.get(pk=person.pk)
    services.person_update(person, data={"occupation": "Guru"}, acting_user=users["kel.wates"])
    with pytest.raises(versioning.EditConflict):
        services.person_update(stale, data={"phone": "0844"}, acting_user=users["manajer"])
    with pytest.raises(versioning.EditConflict):
        services.person_update(person, data={"phone": "0844"}, acting_user=users["manajer"], expected_version=2)
    assert Person.objects.get(pk=person.pk).phone == "0833"


def test_verification_takes_a_version_too(users, person):
    services.record_submit(person, acting_user=users["kel.wates"])
    loaded = Person.objects.get(pk=person.pk)
    services.record_verify(Person.objects.get(pk=person.pk), acting_user=users["manajer"])
    with pytest.raises(versioning.EditConflict):
        services.person_update(loaded, data={"phone": "0844"}, acting_user=users["kel.wates"])


def test_a_save_from_an_older_household_page_is_refused_and_keeps_the_typed_values(users, person):
    household = person.household
    url = reverse("registry:household-edit", args=[household.pk])
    officer, manager = signed_in(users["kel.wates"]), signed_in(users["manajer"])
    officer_page, manager_page = officer.get(url), manager.get(url)
    officer_data = household_data(officer_page, address="Jl. Baru 1")
    assert officer.post(url, officer_data).status_code == 302

    page = manager.post(url, household_data(manager_page, rt="009"))
    assert page.status_code == 200
    household.refresh_from_db()
    assert (household.address, household.rt) == ("Jl. Baru 1", "002")
    rows = [(f.name, f.new, typed) for f, change, typed in page.context["conflict"].label_rows]
    assert ("address", "Jl. Baru 1", household_data(manager_page)["address"]) in rows
    assert 'value="009"' in page.content.decode()
    assert manager.post(url, household_data(page, address="Jl. Baru 1", rt="009")).status_code == 302
    household.refresh_from_db()
    assert (household.address, household.rt) == ("Jl. Baru 1", "009")


def test_a_member_changed_meanwhile_stops_the_household_save(users, person):
    url = reverse("registry:household-edit", args=[person.household_id])
    manager = signed_in(users["manajer"])
    page = manager.get(url)
    services.person_update(person, data={"full_name": "Sutrisno W."}, acting_user=users["kel.wates"])
    refused = manager.post(url, household_data(page, address="Jl. Lain 2"))
    assert refused.status_code == 200
    [row] = refused.context["conflict"].label_rows
    assert (row[1].subject, row[0].name, row[0].new) == ("Sutrisno W.", "full_name", "Sutrisno W.")
    assert Person.objects.get(pk=person.pk).household.address != "Jl. Lain 2"


def test_a_save_from_an_older_profile_form_is_refused(users, person):
    url = reverse("registry:person-profile-edit", args=[person.pk, "disabilitas"])
    services.person_profile_save(
        person, DisabilityProfile, data={"types": ["fisik"], "severity": "ringan"}, acting_user=users["kel.wates"]
    )
    officer, manager = signed_in(users["kel.wates"]), signed_in(users["manajer"])
    officer_page, manager_page = officer.get(url), manager.get(url)
    assert officer.post(url, edit_data(officer_page, severity="berat")).status_code == 302
    page = manager.post(url, edit_data(manager_page, card_number="KD-77"))
    assert page.status_code == 200
    [row] = page.context["conflict"].label_rows
    assert (row[0].name, row[0].old, row[0].new, row[2]) == ("severity", "Ringan", "Berat", "Ringan")
    assert DisabilityProfile.objects.get(person=person).card_number == ""
    assert 'value="KD-77"' in page.content.decode()


def test_a_profile_added_meanwhile_is_not_overwritten_by_a_new_profile_form(users, person):
    url = reverse("registry:person-profile-edit", args=[person.pk, "kesejahteraan"])
    manager = signed_in(users["manajer"])
    blank = manager.get(url)
    services.person_profile_save(
        person, WelfareProfile, data={"dtks_status": "terdaftar", "decile": 2}, acting_user=users["kel.wates"]
    )
    page = manager.post(url, edit_data(blank, dtks_status="diusulkan"))
    assert page.status_code == 200, page.context["form"].errors
    assert page.context["conflict"].changes, page.context["form"].errors
    assert WelfareProfile.objects.get(person=person).decile == 2


def test_a_merge_from_an_older_comparison_is_refused(users, person):
    other = PersonFactory(full_name="Sutrisno Wates", region_id=WATES, birth_date=person.birth_date)
    seen = {person.pk: person.version, other.pk: other.version}
    services.person_update(other, data={"phone": "0899"}, acting_user=users["kel.wates"])
    with pytest.raises(versioning.EditConflict):
        merging.merge_people(person, other, acting_user=users["manajer"], expected_versions=seen)
    assert Person.objects.get(pk=other.pk).merged_into is None


def household_data(page, **changes) -> dict:
    """The household edit page's forms as rendered (the household's, each member's, no new ones)."""
    data = edit_data(page)
    for member in page.context["current"]:
        data.update(edit_data_of(member))
    data.update({"baru-TOTAL_FORMS": "0", "baru-INITIAL_FORMS": "0", "baru-MIN_NUM_FORMS": "0",
                 "baru-MAX_NUM_FORMS": "1000"})  # fmt: skip
    return {**data, **changes}


def edit_data_of(form) -> dict:
    return {f.html_name: f.value() for f in form if f.value() not in (None, False)}


def test_a_save_that_changes_nothing_is_neither_a_version_nor_a_conflict(users, person):
    url = reverse("registry:person-edit", args=[person.pk])
    officer, manager = signed_in(users["kel.wates"]), signed_in(users["manajer"])
    officer_page, manager_page = officer.get(url), manager.get(url)
    assert officer.post(url, edit_data(officer_page)).status_code == 302  # saved as it was
    assert Person.objects.get(pk=person.pk).version == 1
    assert manager.post(url, edit_data(manager_page, occupation="Petani")).status_code == 302
    # The manager's form, loaded before a change of the same values, loses nothing either.
    page = officer.get(url)
    services.person_update(Person.objects.get(pk=person.pk), data={"phone": "0899"}, acting_user=users["manajer"])
    assert officer.post(url, edit_data(page, phone="0899")).status_code == 302


def test_an_import_that_changes_a_person_takes_a_version_so_an_older_form_cannot_undo_it(
    users,
    person,
    private_media,  # noqa: F811
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.registry.test_import import confirm, upload

    url = reverse("registry:person-edit", args=[person.pk])
    officer = signed_in(users["kel.wates"])
    page = officer.get(url)
    csv = SimpleUploadedFile("data.csv", f"nik,telepon\n{person.nik},0877000111\n".encode())
    confirm(users["kel.wates"], upload(users["kel.wates"], csv))
    assert Person.objects.get(pk=person.pk).version == 2
    refused = officer.post(url, edit_data(page, occupation="Petani"))
    assert refused.status_code == 200 and refused.context["conflict"]
    assert Person.objects.get(pk=person.pk).phone == "0877000111"
