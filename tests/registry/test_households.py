"""Households: the edit page (fields, members' relationships, taking a member out, new members),
the household list with its search, filters and scope, and the household's history."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from onegate.audit.models import LogEntry
from registry.models import Household, Person, Relationship, VerificationStatus
from tests.conftest import KRANGGAN, WATES
from tests.factories import HouseholdFactory, PersonFactory, nik_for


@pytest.fixture
def homes(users):
    """Wates: the Wibowo family (head, wife, child). Kranggan: the Rahayu family (head only)."""
    wates = HouseholdFactory(region_id=WATES, kk_number="3576020101100001", address="Jl. Wates 1")
    kranggan = HouseholdFactory(region_id=KRANGGAN, kk_number="3576030101090009", address="Jl. Kranggan 9")
    return {
        "wates": wates,
        "kranggan": kranggan,
        "head": PersonFactory(
            full_name="Bambang Wibowo", region_id=WATES, household=wates, relationship=Relationship.HEAD
        ),
        "wife": PersonFactory(
            full_name="Siti Aminah",
            sex="P",
            nik=None,
            needs_civil_documents=True,
            region_id=WATES,
            household=wates,
            relationship=Relationship.SPOUSE,
        ),
        "child": PersonFactory(
            full_name="Dewi Wibowo",
            sex="P",
            nik=None,
            needs_civil_documents=True,
            region_id=WATES,
            household=wates,
            relationship=Relationship.CHILD,
        ),
        "rahayu": PersonFactory(
            full_name="Rahayu Kranggan",
            sex="P",
            nik=None,
            needs_civil_documents=True,
            region_id=KRANGGAN,
            household=kranggan,
            relationship=Relationship.HEAD,
        ),
    }


def edit_post(household, *, relationships=None, remove=(), new=(), **fields):
    """What the edit page posts: the household's fields, each present member's relationship and
    'take out' box, and the new members' formset."""
    data = {
        "kk_number": household.kk_number or "",
        "address": household.address,
        "rt": household.rt,
        "rw": household.rw,
        "region": household.region_id,
        "latitude": "",
        "longitude": "",
        "baru-TOTAL_FORMS": str(len(new)),
        "baru-INITIAL_FORMS": "0",
        "baru-MIN_NUM_FORMS": "0",
        "baru-MAX_NUM_FORMS": "1000",
        "version": Household.objects.get(pk=household.pk).version,  # the page as loaded now
    }
    data.update(fields)
    relationships = relationships or {}
    for p in household.members.all():
        data[f"anggota-{p.pk}-relationship"] = relationships.get(p.pk, p.relationship)
        data[f"anggota-{p.pk}-version"] = p.version
        if p.pk in remove:
            data[f"anggota-{p.pk}-remove"] = "on"
    for i, m in enumerate(new):
        data.update({f"baru-{i}-{k}": v for k, v in m.items()})
    return data


NEW_CHILD = {
    "nik": nik_for("35.76.02", datetime.date(2015, 6, 7), "L", 21),
    "full_name": "Agus Wibowo",
    "sex": "L",
    "birth_place": "Mojokerto",
    "birth_date": "07/06/2015",
    "relationship": "anak",
}


def edit_url(household):
    return reverse("registry:household-edit", args=[household.pk])


# --- Edit --------------------------------------------------------------------------------------
def test_the_kelurahan_officer_edits_the_household_and_its_members_on_one_page(users, homes, client_for):
    client = client_for(users["kel.wates"])
    home, child = homes["wates"], homes["child"]
    page = client.get(edit_url(home))
    assert page.status_code == 200 and 'value="Jl. Wates 1"' in page.content.decode()
    response = client.post(
        edit_url(home),
        edit_post(
            home,
            kk_number="3576020101100002",
            address="Jl. Pahlawan 3",
            rt="005",
            rw="002",
            latitude="-7.472600",
            longitude="112.433800",
            relationships={child.pk: Relationship.GRANDCHILD},
            new=[NEW_CHILD],
        ),
    )
    assert response.status_code == 302 and response["Location"] == home.get_absolute_url()
    home.refresh_from_db()
    assert (home.kk_number, home.address, home.rt, home.rw) == ("3576020101100002", "Jl. Pahlawan 3", "005", "002")
    assert (home.latitude, home.longitude) == (Decimal("-7.472600"), Decimal("112.433800"))
    assert Person.objects.get(pk=child.pk).relationship == Relationship.GRANDCHILD
    agus = home.members.get(full_name="Agus Wibowo")
    assert (agus.region_id, agus.relationship, agus.status) == (WATES, Relationship.CHILD, VerificationStatus.DRAFT)
    # Audited: the household's change with its before/after values, by the officer.
    entry = LogEntry.objects.get_for_object(home).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == users["kel.wates"] and entry.changes["kk_number"] == ["3576020101100001", "3576020101100002"]


def test_the_manager_may_edit_and_the_page_is_linked_from_the_household_for_editors_only(users, homes, client_for):
    home = homes["wates"]
    for username in ("kel.wates", "manajer"):
        assert edit_url(home) in client_for(users[username]).get(home.get_absolute_url()).content.decode()
    assert edit_url(home) not in client_for(users["loket"]).get(home.get_absolute_url()).content.decode()
    response = client_for(users["manajer"]).post(edit_url(home), edit_post(home, address="Jl. Manajer 2"))
    assert response.status_code == 302 and Household.objects.get(pk=home.pk).address == "Jl. Manajer 2"


def test_another_kelurahans_household_is_404_and_read_only_roles_403(users, homes, client_for):
    home = homes["wates"]
    kranggan = client_for(users["kel.kranggan"])
    assert kranggan.get(edit_url(home)).status_code == 404
    assert kranggan.post(edit_url(home), edit_post(home, address="Diubah")).status_code == 404
    assert client_for(users["loket"]).get(edit_url(home)).status_code == 403
    assert client_for(users["dinkes"]).get(edit_url(home)).status_code == 404
    assert Household.objects.get(pk=home.pk).address == "Jl. Wates 1"


def test_the_officer_cannot_move_a_household_out_of_their_kelurahan(users, homes, client_for):
    home = homes["wates"]
    page = client_for(users["kel.wates"]).post(edit_url(home), edit_post(home, region=KRANGGAN))
    assert page.status_code == 200 and "region" in page.context["form"].errors
    assert Household.objects.get(pk=home.pk).region_id == WATES


def test_a_member_taken_out_of_the_household_stays_in_the_registry(users, homes, client_for):
    home, child = homes["wates"], homes["child"]
    response = client_for(users["kel.wates"]).post(edit_url(home), edit_post(home, remove=[child.pk]))
    assert response.status_code == 302
    child = Person.objects.get(pk=child.pk)  # not deleted
    assert (child.household_id, child.relationship, child.region_id) == (None, "", WATES)
    assert set(home.members.values_list("full_name", flat=True)) == {"Bambang Wibowo", "Siti Aminah"}
    assert client_for(users["kel.wates"]).get(child.get_absolute_url()).status_code == 200
    # The household's history shows the member leaving.
    history = client_for(users["kel.wates"]).get(home.get_absolute_url()).context["history"]
    assert any(e.object_pk == str(child.pk) and e.changes.get("household") == [home.pk, None] for e in history)


def test_the_household_keeps_exactly_one_head(users, homes, client_for):
    home, head, wife = homes["wates"], homes["head"], homes["wife"]
    client = client_for(users["kel.wates"])
    page = client.post(edit_url(home), edit_post(home, remove=[head.pk]))
    assert page.status_code == 200 and page.context["form"].non_field_errors()
    assert Person.objects.get(pk=head.pk).household_id == home.pk  # nothing saved
    everyone = [p.pk for p in home.members.all()]
    assert client.post(edit_url(home), edit_post(home, remove=everyone)).status_code == 200
    assert home.members.count() == 3
    # The wife becomes the head when the husband leaves.
    response = client.post(
        edit_url(home), edit_post(home, remove=[head.pk], relationships={wife.pk: Relationship.HEAD})
    )
    assert response.status_code == 302
    assert home.members.get(relationship=Relationship.HEAD) == wife


def verified(home, manager):
    now = timezone.now()
    Household.objects.filter(pk=home.pk).update(
        status=VerificationStatus.VERIFIED, verified_by=manager, verified_at=now
    )
    home.members.update(status=VerificationStatus.VERIFIED, verified_by=manager, verified_at=now)
    home.refresh_from_db()
    return home


def test_editing_a_verified_household_sends_it_back_for_verification(users, homes, client_for):
    home, child, head = verified(homes["wates"], users["manajer"]), homes["child"], homes["head"]
    client = client_for(users["kel.wates"])
    assert "kembali diverifikasi" in client.get(edit_url(home)).content.decode()
    client.post(
        edit_url(home),
        edit_post(home, address="Jl. Baru 5", relationships={child.pk: Relationship.GRANDCHILD}, new=[NEW_CHILD]),
    )
    home.refresh_from_db()
    assert (home.status, home.verified_by, home.verified_at) == (VerificationStatus.SUBMITTED, None, None)
    assert Person.objects.get(pk=child.pk).status == VerificationStatus.SUBMITTED  # its membership changed
    assert Person.objects.get(pk=head.pk).status == VerificationStatus.VERIFIED  # untouched
    assert (
        home.members.get(full_name="Agus Wibowo").status == VerificationStatus.SUBMITTED
    )  # verified with the household
    # The manager verifies it again, the new member with it.
    client_for(users["manajer"]).post(reverse("registry:record-verify", args=["keluarga", home.pk]))
    assert set(home.members.values_list("status", flat=True)) == {VerificationStatus.VERIFIED}


def test_a_draft_stays_a_draft_and_saving_nothing_changes_nothing(users, homes, client_for):
    client = client_for(users["kel.wates"])
    draft = homes["wates"]
    client.post(edit_url(draft), edit_post(draft, address="Jl. Draf 1"))
    assert Household.objects.get(pk=draft.pk).status == VerificationStatus.DRAFT
    home = verified(draft, users["manajer"])
    assert client.post(edit_url(home), edit_post(home)).status_code == 302
    assert Household.objects.get(pk=home.pk).status == VerificationStatus.VERIFIED


def test_new_members_are_checked_like_on_the_entry_page(users, homes, client_for):
    home = homes["wates"]
    client = client_for(users["kel.wates"])
    bad = {**NEW_CHILD, "nik": "3.57601E+15"}
    page = client.post(edit_url(home), edit_post(home, new=[bad]))
    assert page.status_code == 200 and page.context["members"].total_error_count()
    assert 'value="Agus Wibowo"' in page.content.decode()
    PersonFactory(
        full_name="Agus Wibowo",
        birth_date=datetime.date(2015, 6, 7),
        region_id=KRANGGAN,
        nik=None,
        needs_civil_documents=True,
    )
    page = client.post(edit_url(home), edit_post(home, new=[NEW_CHILD]))
    assert page.status_code == 200 and page.context["duplicates"]
    assert client.post(edit_url(home), {**edit_post(home, new=[NEW_CHILD]), "bukan_duplikat": "1"}).status_code == 302
    assert home.members.filter(full_name="Agus Wibowo").exists()


# --- List --------------------------------------------------------------------------------------
def listed(response):
    return {row.record.pk for row in response.context["table"].page.object_list}


@pytest.mark.parametrize(
    "username, expected",
    [
        ("kel.wates", {"wates"}),
        ("kel.kranggan", {"kranggan"}),
        ("manajer", {"wates", "kranggan"}),
        ("loket", {"wates", "kranggan"}),
    ],
)
def test_the_household_list_shows_only_the_users_scope(users, homes, client_for, username, expected):
    response = client_for(users[username]).get(reverse("registry:household-list"))
    assert listed(response) == {homes[k].pk for k in expected}


def test_the_household_list_is_refused_to_agencies_and_administrators(users, homes, client_for):
    for username in ("dinkes", "admin"):
        assert client_for(users[username]).get(reverse("registry:household-list")).status_code == 403


def test_the_list_searches_by_kk_and_by_the_heads_name_within_the_scope(users, homes, client_for):
    url = reverse("registry:household-list")
    manager = client_for(users["manajer"])
    assert listed(manager.get(url, {"q": "3576030101090009"})) == {homes["kranggan"].pk}
    assert listed(manager.get(url, {"q": "3576 0301 0109 0009"})) == {homes["kranggan"].pk}
    assert listed(manager.get(url, {"q": "357603010109000"})) == set()  # 15 digits: no partial KK match
    assert listed(manager.get(url, {"q": "bambang wibowo"})) == {homes["wates"].pk}
    assert listed(manager.get(url, {"q": "Bambang Wibowa"})) == {homes["wates"].pk}  # fuzzy
    assert listed(manager.get(url, {"q": "Siti Aminah"})) == set()  # a member, not the head
    wates = client_for(users["kel.wates"])
    assert listed(wates.get(url, {"q": "3576030101090009"})) == set()
    assert listed(wates.get(url, {"q": "Rahayu Kranggan"})) == set()


def test_the_list_filters_sorts_and_answers_htmx_with_the_table_only(users, homes, client_for):
    url = reverse("registry:household-list")
    client = client_for(users["manajer"])
    Household.objects.filter(pk=homes["kranggan"].pk).update(status=VerificationStatus.SUBMITTED)
    assert listed(client.get(url, {"status": "submitted"})) == {homes["kranggan"].pk}
    assert listed(client.get(url, {"region": WATES})) == {homes["wates"].pk}
    heads = [
        row.get_cell_value("head_name")
        for row in client.get(url, {"sort": "-head_name"}).context["table"].page.object_list
    ]
    assert heads == ["Rahayu Kranggan", "Bambang Wibowo"]
    response = client.get(url, {"q": "bambang"}, HTTP_HX_REQUEST="true")
    assert [t.name for t in response.templates][0] == "registry/_household_table.html"
    body = response.content.decode()
    assert "Bambang Wibowo" in body and "<form" not in body


def test_the_list_paginates(users, client_for):
    for _ in range(30):
        PersonFactory(region_id=WATES, household=HouseholdFactory(region_id=WATES), relationship=Relationship.HEAD)
    client = client_for(users["kel.wates"])
    first, second = (
        client.get(reverse("registry:household-list")),
        client.get(reverse("registry:household-list"), {"page": 2}),
    )
    assert len(listed(first)) == 25 and len(listed(second)) == 5 and not listed(first) & listed(second)


# --- History -----------------------------------------------------------------------------------
def test_the_household_page_shows_its_history(users, homes, client_for):
    home = homes["wates"]
    client = client_for(users["kel.wates"])
    client.post(edit_url(home), edit_post(home, address="Jl. Sejarah 4", new=[NEW_CHILD]))
    page = client.get(home.get_absolute_url())
    history = list(page.context["history"])
    own = [
        e
        for e in history
        if e.object_pk == str(home.pk) and e.content_type.model == "household" and e.action == LogEntry.Action.UPDATE
    ]
    assert own and own[0].actor == users["kel.wates"] and "address" in own[0].changes
    joined = home.members.get(full_name="Agus Wibowo")
    assert any(e.object_pk == str(joined.pk) and e.action == LogEntry.Action.CREATE for e in history)
    body = page.content.decode()
    assert "Riwayat" in body and "Agus Wibowo" in body
    # A relationship change is part of it; another household's members are not.
    client.post(edit_url(home), edit_post(home, relationships={homes["child"].pk: Relationship.GRANDCHILD}))
    history = client.get(home.get_absolute_url()).context["history"]
    assert any(e.object_pk == str(homes["child"].pk) and "relationship" in e.changes for e in history)
    assert not any(e.object_pk in (str(homes["rahayu"].pk), str(homes["kranggan"].pk)) for e in history)


# --- Service -----------------------------------------------------------------------------------
def test_the_service_refuses_other_kelurahans_and_people_of_other_households(users, homes):
    from django.core.exceptions import PermissionDenied

    from registry import services

    home = homes["wates"]
    with pytest.raises(PermissionDenied):
        services.household_update(home, data={"address": "Diubah"}, acting_user=users["kel.kranggan"])
    with pytest.raises(ValueError):
        services.household_update(home, data={}, acting_user=users["kel.wates"], remove=[homes["rahayu"].pk])
    assert Person.objects.get(pk=homes["rahayu"].pk).household_id == homes["kranggan"].pk
    assert Household.objects.get(pk=home.pk).address == "Jl. Wates 1"
