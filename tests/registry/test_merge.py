"""Duplicate review: the pair scan, dismissals, merging two records of one person, and who may
do it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from onegate.accounts.models import Role
from onegate.audit.models import LogEntry
from registry import merging
from registry.models import (
    ConsentDecision,
    DisabilityProfile,
    DuplicateDismissal,
    DuplicatePair,
    Person,
    PersonPpks,
    PpksCategory,
    ProgramReceipt,
    Relationship,
    SelfReport,
    VerificationStatus,
    WelfareProfile,
)
from tests.conftest import KRANGGAN, WATES
from tests.factories import HouseholdFactory, PersonFactory, UserFactory, nik_for

BLORA_VILLAGE = "33.16.01.2001"
BORN = datetime.date(1980, 3, 14)


def pairs_for(user) -> set[tuple[str, str]]:
    return {(p.person_a.full_name, p.person_b.full_name) for p in merging.candidate_pairs(user)}


def person(name, *, region=WATES, born=BORN, sex="L", **fields):
    return PersonFactory(full_name=name, region_id=region, birth_date=born, sex=sex, **fields)


@pytest.fixture
def blora_manager(users):
    return UserFactory(username="manajer.blora", role=Role.MANAGER, region_id="33.16")


# --- Finding pairs ---------------------------------------------------------------------------
def test_the_scan_pairs_close_names_born_the_same_day_in_the_same_city_only(users, blora_manager):
    person("Muhammad Rizki Pratama")
    person("Muhamad Rizki Pratama", region=KRANGGAN)  # another kelurahan of the same city
    person("Muhammad Rizki Pratama", region=BLORA_VILLAGE)  # another regency
    person("Muhamad Rizki Pratama", born=BORN.replace(day=15))  # another day
    person("Siti Aminah", sex="P")  # same day, another name
    merging.refresh_duplicate_pairs()
    assert pairs_for(users["manajer"]) == {("Muhammad Rizki Pratama", "Muhamad Rizki Pratama")}
    assert pairs_for(blora_manager) == set()


def test_the_scan_pairs_very_close_names_in_one_household_whatever_the_birth_dates(users):
    home = HouseholdFactory(region_id=WATES)
    person("Ahmad Fauzi Ramadhan", household=home, relationship=Relationship.HEAD)
    person("Ahmad Fauzy Ramadhan", household=home, relationship=Relationship.CHILD, born=datetime.date(2001, 5, 6))
    person("Ahmad Fajar", household=home, relationship=Relationship.CHILD, born=datetime.date(2003, 1, 2))
    merging.refresh_duplicate_pairs()
    [pair] = merging.candidate_pairs(users["manajer"])
    assert {pair.person_a.full_name, pair.person_b.full_name} == {"Ahmad Fauzi Ramadhan", "Ahmad Fauzy Ramadhan"}
    assert pair.same_household and not pair.same_birth_date


def test_a_later_scan_looks_at_new_and_changed_people(users):
    first = person("Sri Wahyuningsih", sex="P")
    merging.refresh_duplicate_pairs()
    assert pairs_for(users["manajer"]) == set()
    person("Sri Wahyuningsi", sex="P", region=KRANGGAN)
    merging.refresh_duplicate_pairs()
    assert pairs_for(users["manajer"]) == {("Sri Wahyuningsih", "Sri Wahyuningsi")}
    first.full_name = "Dewi Kartika"
    first.save()
    merging.refresh_duplicate_pairs()
    assert pairs_for(users["manajer"]) == set()


def test_a_dismissed_pair_does_not_come_back(users):
    a, b = person("Bambang Sutrisno"), person("Bambang Sutrisna")
    merging.refresh_duplicate_pairs()
    assert len(pairs_for(users["manajer"])) == 1
    merging.dismiss_pair(b, a, acting_user=users["manajer"], note="twins")
    dismissal = DuplicateDismissal.objects.get()
    assert (dismissal.person_a, dismissal.person_b, dismissal.dismissed_by, dismissal.note) == (
        a,
        b,
        users["manajer"],
        "twins",
    )
    merging.refresh_duplicate_pairs(full=True)
    assert pairs_for(users["manajer"]) == set()


def test_only_managers_get_pairs(users):
    person("Bambang Sutrisno")
    person("Bambang Sutrisna")
    merging.refresh_duplicate_pairs()
    for username in ("kel.wates", "loket", "dinkes", "admin"):
        assert pairs_for(users[username]) == set()


# --- Merging ---------------------------------------------------------------------------------
@pytest.fixture
def two_records(users):
    """The same woman registered twice: once verified without a household, once as a draft in a
    household with her profiles."""
    home = HouseholdFactory(region_id=WATES)
    survivor = person(
        "Siti Rahmawati",
        sex="P",
        status=VerificationStatus.VERIFIED,
        verified_by=users["manajer"],
        verified_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
        phone="",
    )
    duplicate = person(
        "Siti Rahmawaty",
        sex="P",
        region=KRANGGAN,
        household=home,
        relationship=Relationship.SPOUSE,
        phone="0812 3456 789",
        nik=None,
        needs_civil_documents=True,
    )
    return survivor, duplicate


def test_merge_moves_profiles_programs_ppks_caregiving_and_membership(users, two_records):
    survivor, duplicate = two_records
    household = duplicate.household
    categories = list(PpksCategory.objects.order_by("code")[:2])
    DisabilityProfile.objects.create(person=duplicate, types=["fisik"], severity="sedang")
    WelfareProfile.objects.create(person=survivor, dtks_status="terdaftar", decile=2)
    WelfareProfile.objects.create(person=duplicate, dtks_status="diusulkan", decile=4)
    ProgramReceipt.objects.create(person=survivor, program="pkh", year=2025)
    ProgramReceipt.objects.create(person=duplicate, program="pkh", year=2025, note="same receipt")
    ProgramReceipt.objects.create(person=duplicate, program="bpnt", year=2025)
    PersonPpks.objects.create(person=survivor, category=categories[0])
    PersonPpks.objects.create(person=duplicate, category=categories[0])
    PersonPpks.objects.create(person=duplicate, category=categories[1])
    cared_for = person("Rahmat Hidayat", born=datetime.date(1950, 2, 2))
    DisabilityProfile.objects.create(person=cared_for, types=["netra"], severity="berat", caregiver=duplicate)
    older_copy = person("Siti Rahmawatie", sex="P", merged_into=duplicate)

    merged = merging.merge_people(survivor, duplicate, field_choices={}, acting_user=users["manajer"])

    duplicate.refresh_from_db()
    assert duplicate.merged_into == merged == survivor
    assert (merged.household, merged.relationship, merged.phone) == (household, Relationship.SPOUSE, "0812 3456 789")
    assert (duplicate.household, duplicate.relationship) == (None, "")
    assert merged.disability.types == ["fisik"]  # the survivor had none: it moves
    assert (merged.welfare.decile, WelfareProfile.objects.get(person=duplicate).decile) == (
        2,
        4,
    )  # survivor keeps its own
    assert sorted(merged.programs.values_list("program", "year")) == [("bpnt", 2025), ("pkh", 2025)]
    assert list(duplicate.programs.values_list("note", flat=True)) == [
        "same receipt"
    ]  # the exact duplicate stays behind
    assert set(merged.ppks.values_list("category", flat=True)) == {c.pk for c in categories}
    assert DisabilityProfile.objects.get(person=cared_for).caregiver == survivor
    older_copy.refresh_from_db()
    assert older_copy.merged_into == survivor  # no chains: every page leads straight to the survivor
    assert merged.status == VerificationStatus.SUBMITTED and merged.verified_by is None  # its data changed

    entry = LogEntry.objects.get_for_object(survivor).filter(changes__has_key="merge").get()
    assert entry.actor == users["manajer"]
    details = entry.additional_data["merge"]
    assert (details["survivor"], details["duplicate"]) == (survivor.pk, duplicate.pk)
    assert {(m["model"], m["field"]) for m in details["moved"]} >= {
        ("registry.DisabilityProfile", "person"),
        ("registry.ProgramReceipt", "person"),
        ("registry.PersonPpks", "person"),
        ("registry.DisabilityProfile", "caregiver"),
        ("registry.Person", "merged_into"),
    }
    kept = {k["model"]: k["values"] for k in details["kept_on_duplicate"]}
    assert kept["registry.WelfareProfile"]["decile"] == 4 and kept["registry.ProgramReceipt"]["note"] == "same receipt"
    assert (
        LogEntry.objects.get_for_object(duplicate).filter(changes__has_key="merge").get().additional_data
        == entry.additional_data
    )


def _builders(duplicate):
    """One row pointing at ``duplicate`` for each (model, field) that links to a person."""
    category = PpksCategory.objects.first()
    other = person("Orang Lain", born=datetime.date(1990, 1, 1))
    return {
        (Person, "merged_into"): lambda: person("Salinan Lama", merged_into=duplicate),
        (DisabilityProfile, "person"): lambda: DisabilityProfile.objects.create(
            person=duplicate, types=["mental"], severity="ringan"
        ),
        (DisabilityProfile, "caregiver"): lambda: DisabilityProfile.objects.create(
            person=other, types=["fisik"], severity="berat", caregiver=duplicate
        ),
        (WelfareProfile, "person"): lambda: WelfareProfile.objects.create(person=duplicate, dtks_status="terdaftar"),
        (ProgramReceipt, "person"): lambda: ProgramReceipt.objects.create(person=duplicate, program="pkh", year=2024),
        (PersonPpks, "person"): lambda: PersonPpks.objects.create(person=duplicate, category=category),
        (SelfReport, "person"): lambda: SelfReport.objects.create(
            reference="LD-TEST-0001",
            reporter_relation="sendiri",
            reporter_name="",
            reporter_phone="081200000000",
            full_name=duplicate.full_name,
            sex=duplicate.sex,
            birth_date=duplicate.birth_date,
            address="Jl. Mawar 1",
            region=duplicate.region,
            types=["fisik"],
            severity="ringan",
            consent_given_at=timezone.now(),
            status="diproses",
            person=duplicate,
        ),
        # A withdrawal of consent made on either record stays in force for the merged person.
        (ConsentDecision, "person"): lambda: ConsentDecision.objects.create(
            person=duplicate,
            kind="dicabut",
            decided_by=duplicate.full_name,
            decider="diri_sendiri",
            method="tertulis",
            decided_at=timezone.now(),
        ),
    }


def test_merge_repoints_every_link_to_a_person_whatever_declares_it(users, two_records):
    """Walks Person._meta.related_objects as the merge does: every registry link is repointed, and
    a registry link added later without a row here fails this test."""
    survivor, duplicate = two_records
    builders = _builders(duplicate)
    links = merging._links_to_person()
    registry_links = [link for link in links if link[0]._meta.app_label == "registry"]
    assert set(registry_links) == set(builders), "add a builder for the new link to Person"
    rows = {link: builders[link]() for link in registry_links}
    merging.merge_people(survivor, duplicate, acting_user=users["manajer"])
    for (model, field), row in rows.items():
        assert getattr(model._base_manager.get(pk=row.pk), f"{field}_id") == survivor.pk, (model, field)


def test_the_kept_nik_moves_from_the_duplicate_despite_the_unique_constraint(users):
    survivor = person("Joko Susilo", nik=None, needs_civil_documents=True)
    duplicate = person("Joko Susila")
    nik = duplicate.nik
    merging.merge_people(survivor, duplicate, acting_user=users["manajer"])  # blank NIK: filled from the other
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert (survivor.nik, survivor.needs_civil_documents) == (nik, False)
    assert (duplicate.nik, duplicate.needs_civil_documents) == (None, True)


def test_a_chosen_nik_replaces_the_survivors_and_chosen_values_are_applied(users):
    survivor = person("Agus Salim", occupation="Petani")
    duplicate = person("Agus Salim", occupation="Buruh", region=KRANGGAN, nik=nik_for(KRANGGAN, BORN, "L", 77))
    nik = duplicate.nik
    merging.merge_people(
        survivor, duplicate, field_choices={"nik": "duplicate", "region": "duplicate"}, acting_user=users["manajer"]
    )
    survivor.refresh_from_db()
    assert (survivor.nik, survivor.region_id, survivor.occupation) == (nik, KRANGGAN, "Petani")


def test_a_disagreeing_nik_needs_confirmation_and_nothing_is_saved_without_it(users):
    survivor = person("Yusuf Maulana", nik=None, needs_civil_documents=True)
    duplicate = person("Yusuf Maulana", born=BORN.replace(day=16))  # its NIK encodes the 16th
    with pytest.raises(ValidationError):
        merging.merge_people(
            survivor, duplicate, field_choices={"birth_date": "survivor"}, acting_user=users["manajer"]
        )
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None and duplicate.nik
    merging.merge_people(
        survivor, duplicate, field_choices={"birth_date": "survivor"}, acting_user=users["manajer"], confirm_nik=True
    )
    survivor.refresh_from_db()
    assert survivor.nik and survivor.nik_mismatch_confirmed and survivor.birth_date == BORN


def test_merging_into_itself_or_a_merged_record_is_refused(users):
    a, b, c = person("Dedi Kurniawan"), person("Dedi Kurniawa"), person("Dedy Kurniawan")
    with translation.override("en"):
        with pytest.raises(ValidationError, match="itself"):
            merging.merge_people(a, a, acting_user=users["manajer"])
        merging.merge_people(a, b, acting_user=users["manajer"])
        with pytest.raises(ValidationError, match="already been merged"):
            merging.merge_people(b, c, acting_user=users["manajer"])
        with pytest.raises(ValidationError, match="already been merged"):
            merging.merge_people(c, b, acting_user=users["manajer"])


def test_the_service_checks_scope_and_role(users, blora_manager):
    a, b = person("Eko Prasetyo"), person("Eko Prasetya")
    for user in (users["kel.wates"], blora_manager, users["admin"]):
        with pytest.raises(PermissionDenied):
            merging.merge_people(a, b, acting_user=user)
        with pytest.raises(PermissionDenied):
            merging.dismiss_pair(a, b, acting_user=user)
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_a_kecamatan_manager_merges_only_within_the_kecamatan(users):
    kecamatan_manager = UserFactory(username="manajer.magersari", role=Role.MANAGER, region_id="35.76.02")
    a, b = person("Hari Santoso"), person("Hari Santosa", region=KRANGGAN)  # Kranggan: another kecamatan
    with pytest.raises(PermissionDenied):
        merging.merge_people(a, b, acting_user=kecamatan_manager)
    assert Person.objects.get(pk=b.pk).merged_into is None


# --- Pages -----------------------------------------------------------------------------------
@pytest.fixture
def pair(users):
    a, b = person("Wahyu Hidayat", phone="0811"), person("Wahyu Hidayad", region=KRANGGAN, phone="0822")
    merging.refresh_duplicate_pairs()
    return a, b


@pytest.mark.parametrize("username", ["kel.wates", "loket", "dinkes", "admin"])
def test_only_managers_open_the_review(users, pair, client_for, username):
    client = client_for(users[username])
    a, b = pair
    assert client.get(reverse("registry:duplicate-list")).status_code == 403
    assert client.get(reverse("registry:duplicate-compare", args=[a.pk, b.pk])).status_code == 403
    assert client.post(reverse("registry:duplicate-compare", args=[a.pk, b.pk]), {"survivor": "a"}).status_code == 403
    assert client.post(reverse("registry:duplicate-dismiss", args=[a.pk, b.pk])).status_code == 403
    assert Person.objects.filter(merged_into__isnull=False).count() == 0 and not DuplicateDismissal.objects.exists()


def test_a_manager_of_another_region_gets_404(users, pair, blora_manager, client_for):
    client = client_for(blora_manager)
    a, b = pair
    assert client.get(reverse("registry:duplicate-list")).context["page"].paginator.count == 0
    assert client.get(reverse("registry:duplicate-compare", args=[a.pk, b.pk])).status_code == 404
    assert client.post(reverse("registry:duplicate-compare", args=[a.pk, b.pk]), {"survivor": "a"}).status_code == 404
    assert client.post(reverse("registry:duplicate-dismiss", args=[a.pk, b.pk])).status_code == 404


def test_the_manager_compares_logs_the_view_and_merges_with_chosen_values(users, pair, client_for):
    client = client_for(users["manajer"])
    a, b = pair
    listing = client.get(reverse("registry:duplicate-list"))
    assert [(p.person_a, p.person_b) for p in listing.context["page"]] == [(a, b)]
    url = reverse("registry:duplicate-compare", args=[a.pk, b.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert {r["name"] for r in page.context["rows"] if r["differs"]} == {"nik", "full_name", "region", "phone"}
    for p in (a, b):
        assert LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS, actor=users["manajer"], object_pk=str(p.pk)
        ).exists()

    response = client.post(
        url,
        {"survivor": "b", "keep_nik": "b", "keep_full_name": "a", "keep_region": "b", "keep_phone": "a"}
        | {"version_a": a.version, "version_b": b.version},
    )
    assert response.status_code == 302 and response.url == b.get_absolute_url()
    b.refresh_from_db()
    assert (b.full_name, b.phone, b.region_id) == ("Wahyu Hidayat", "0811", KRANGGAN)
    assert Person.objects.get(pk=a.pk).merged_into == b

    redirect = client.get(a.get_absolute_url())
    assert redirect.status_code == 302 and redirect.url == b.get_absolute_url()
    survivor_page = client.get(b.get_absolute_url())
    assert [m.pk for m in survivor_page.context["merged_records"]] == [a.pk]
    people = client.get(reverse("registry:person-list"))
    assert a.pk not in {row.record.pk for row in people.context["table"].page.object_list}
    assert client.get(reverse("registry:duplicate-list")).context["page"].paginator.count == 0
    assert client.get(url).status_code == 302  # the pair is gone: back to the list


def test_the_page_asks_to_confirm_a_disagreeing_nik(users, client_for):
    a = person("Yusuf Maulana", nik=None, needs_civil_documents=True)
    b = person("Yusuf Maulana", born=BORN.replace(day=16))
    Person.objects.filter(pk=b.pk).update(birth_date=BORN)
    client = client_for(users["manajer"])
    url = reverse("registry:duplicate-compare", args=[a.pk, b.pk])
    versions = {"version_a": 1, "version_b": Person.objects.get(pk=b.pk).version}
    response = client.post(url, {"survivor": "a", "keep_nik": "b", **versions})
    assert response.status_code == 200 and response.context["ask_nik_confirmation"]
    assert 'name="confirm_nik"' in response.content.decode()
    assert Person.objects.get(pk=b.pk).merged_into is None
    assert client.post(url, {"survivor": "a", "keep_nik": "b", "confirm_nik": "1", **versions}).status_code == 302
    assert Person.objects.get(pk=b.pk).merged_into_id == a.pk


def test_the_manager_marks_a_pair_as_different_people(users, pair, client_for):
    client = client_for(users["manajer"])
    a, b = pair
    response = client.post(reverse("registry:duplicate-dismiss", args=[b.pk, a.pk]), {"note": "kembar"})
    assert response.status_code == 302
    assert DuplicateDismissal.objects.filter(
        person_a=a, person_b=b, note="kembar", dismissed_by=users["manajer"]
    ).exists()
    assert client.get(reverse("registry:duplicate-list")).context["page"].paginator.count == 0


def test_the_manager_menu_has_the_review(users, client_for):
    nav = client_for(users["manajer"]).get(reverse("registry:duplicate-list")).context["nav_items"]
    assert "duplicates" in {item["key"] for item in nav}
    nav = client_for(users["kel.wates"]).get(reverse("registry:person-list")).context["nav_items"]
    assert "duplicates" not in {item["key"] for item in nav}


@pytest.mark.celery
def test_the_worker_runs_the_scan(transactional_db, regions, celery_worker_queue):
    from registry.tasks import find_duplicates

    a, b = person("Slamet Riyadi"), person("Slamet Riyadhi")
    assert find_duplicates.delay(full=True).get(timeout=60) == 1
    assert merging.last_scan().full
    assert DuplicatePair.objects.get().person_a_id == min(a.pk, b.pk)
