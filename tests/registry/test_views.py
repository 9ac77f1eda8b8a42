"""Registry pages: in-scope, out-of-scope and wrong-role users on every list, detail and edit."""

import datetime
import re

import pytest
from django.urls import reverse

from onegate.audit.models import LogEntry
from registry.models import Household, Person, Relationship, VerificationStatus
from tests.conftest import KRANGGAN, WATES
from tests.factories import HouseholdFactory, PersonFactory, nik_for


@pytest.fixture
def people(users):
    wates_home = HouseholdFactory(region_id=WATES)
    kranggan_home = HouseholdFactory(region_id=KRANGGAN, kk_number="3576030101090009")
    return {
        "wates": PersonFactory(
            full_name="Sutrisno Wates", region_id=WATES, household=wates_home, relationship=Relationship.HEAD
        ),
        "kranggan": PersonFactory(
            full_name="Rahayu Kranggan",
            sex="P",
            region_id=KRANGGAN,
            household=kranggan_home,
            relationship=Relationship.HEAD,
        ),
    }


def names(response):
    return {row.record.full_name for row in response.context["table"].page.object_list}


@pytest.mark.parametrize(
    "username, expected",
    [
        ("kel.wates", {"Sutrisno Wates"}),
        ("kel.kranggan", {"Rahayu Kranggan"}),
        ("manajer", {"Sutrisno Wates", "Rahayu Kranggan"}),
        ("loket", {"Sutrisno Wates", "Rahayu Kranggan"}),
    ],
)
def test_the_person_list_shows_only_the_users_scope(users, people, client_for, username, expected):
    assert names(client_for(users[username]).get(reverse("registry:person-list"))) == expected


@pytest.mark.parametrize("username", ["dinkes", "admin"])
def test_agencies_and_administrators_do_not_browse_the_registry(users, people, client_for, username):
    client = client_for(users[username])
    assert client.get(reverse("registry:person-list")).status_code == 403
    assert client.get(reverse("registry:person-detail", args=[people["wates"].pk])).status_code == 404


def test_the_list_masks_nik_for_the_desk_and_searches_by_nik_and_fuzzy_name(users, people, client_for):
    nik = people["wates"].nik
    body = client_for(users["loket"]).get(reverse("registry:person-list")).content.decode()
    assert nik not in body and f"{nik[:4]}********{nik[12:]}" in body
    client = client_for(users["manajer"])
    assert nik in client.get(reverse("registry:person-list")).content.decode()  # managers verify: whole NIKs
    assert names(client.get(reverse("registry:person-list"), {"q": nik})) == {"Sutrisno Wates"}
    assert names(client.get(reverse("registry:person-list"), {"q": "sutrisna"})) == {"Sutrisno Wates"}
    assert names(client.get(reverse("registry:person-list"), {"region": KRANGGAN})) == {"Rahayu Kranggan"}


def test_the_list_answers_htmx_with_the_table_only(users, people, client_for):
    response = client_for(users["manajer"]).get(reverse("registry:person-list"), HTTP_HX_REQUEST="true")
    assert [t.name for t in response.templates][0] == "registry/_person_table.html"


def test_person_detail_in_scope_is_shown_and_logged_out_of_scope_is_404(users, people, client_for):
    client = client_for(users["kel.wates"])
    page = client.get(reverse("registry:person-detail", args=[people["wates"].pk]))
    assert page.status_code == 200 and people["wates"].nik in page.content.decode()
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, actor=users["kel.wates"], object_pk=str(people["wates"].pk)
    ).exists()
    assert client.get(reverse("registry:person-detail", args=[people["kranggan"].pk])).status_code == 404
    assert client.get(reverse("registry:household-detail", args=[people["kranggan"].household_id])).status_code == 404


def test_the_person_page_history_lists_changes_not_openings(users, people, client_for):
    client = client_for(users["kel.wates"])
    url = reverse("registry:person-detail", args=[people["wates"].pk])
    client.get(url)
    history = list(client.get(url).context["history"])
    assert (
        LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(people["wates"].pk)).count() == 2
    )  # both in the view log
    assert all(e.action != LogEntry.Action.ACCESS for e in history)


def test_person_edit_in_scope_out_of_scope_and_read_only(users, people, client_for):
    url = reverse("registry:person-edit", args=[people["wates"].pk])
    assert client_for(users["kel.kranggan"]).get(url).status_code == 404
    assert client_for(users["loket"]).get(url).status_code == 403
    client = client_for(users["kel.wates"])
    assert client.get(url).status_code == 200
    p = people["wates"]
    data = {
        "nik": p.nik,
        "full_name": "Sutrisno",
        "sex": "L",
        "birth_place": "Mojokerto",
        "birth_date": p.birth_date.strftime("%d/%m/%Y"),
        "life_status": "hidup",
        "relationship": "kepala",
        "phone": "0812",
        "version": 1,
    }
    assert client.post(url, data).status_code == 302
    p.refresh_from_db()
    assert (p.full_name, p.phone) == ("Sutrisno", "0812")


def test_person_edit_asks_to_confirm_a_disagreeing_nik_and_keeps_the_input(users, people, client_for):
    p = people["wates"]
    url = reverse("registry:person-edit", args=[p.pk])
    data = {
        "nik": p.nik,
        "full_name": "Nama Baru",
        "sex": "P",
        "birth_place": "Mojokerto",
        "birth_date": p.birth_date.strftime("%d/%m/%Y"),
        "life_status": "hidup",
        "version": 1,
    }
    page = client_for(users["kel.wates"]).post(url, data)
    assert page.status_code == 200
    assert page.context["form"].errors.keys() >= {"sex", "confirm_nik"}
    assert 'value="Nama Baru"' in page.content.decode()
    assert Person.objects.get(pk=p.pk).full_name == "Sutrisno Wates"
    assert client_for(users["kel.wates"]).post(url, {**data, "confirm_nik": "on"}).status_code == 302


def household_post(region=WATES, members=None):
    members = members or [
        {
            "nik": nik_for("35.76.02", datetime.date(1980, 1, 2), "L", 11),
            "full_name": "Slamet Riyadi",
            "sex": "L",
            "birth_place": "Mojokerto",
            "birth_date": "02/01/1980",
            "relationship": "kepala",
        },
        {
            "nik": nik_for("35.76.02", datetime.date(1982, 4, 5), "P", 12),
            "full_name": "Sri Lestari",
            "sex": "P",
            "birth_place": "Jombang",
            "birth_date": "1982-04-05",
            "relationship": "suami_istri",
        },
    ]
    data = {
        "kk_number": "3576020202020002",
        "address": "Jl. Majapahit 7",
        "rt": "003",
        "rw": "001",
        "region": region,
        "anggota-TOTAL_FORMS": str(len(members)),
        "anggota-INITIAL_FORMS": "0",
        "anggota-MIN_NUM_FORMS": "1",
        "anggota-MAX_NUM_FORMS": "1000",
    }
    for i, m in enumerate(members):
        data.update({f"anggota-{i}-{k}": v for k, v in m.items()})
    return data


def test_an_officer_registers_a_household_with_members_in_one_post(users, client_for):
    client = client_for(users["kel.wates"])
    assert client.get(reverse("registry:household-create")).status_code == 200
    response = client.post(reverse("registry:household-create"), household_post())
    household = Household.objects.get()
    assert response.status_code == 302 and response["Location"] == household.get_absolute_url()
    assert sorted(household.members.values_list("full_name", flat=True)) == ["Slamet Riyadi", "Sri Lestari"]
    assert household.status == VerificationStatus.DRAFT


def test_household_create_refuses_another_kelurahan_and_read_only_roles(users, client_for):
    page = client_for(users["kel.wates"]).post(reverse("registry:household-create"), household_post(region=KRANGGAN))
    assert page.status_code == 200 and "region" in page.context["form"].errors
    assert client_for(users["loket"]).get(reverse("registry:household-create")).status_code == 403
    assert not Household.objects.exists()


def test_household_create_keeps_everything_typed_on_a_bad_member(users, client_for):
    data = household_post()
    data["anggota-1-nik"] = "3.57601E+15"
    page = client_for(users["kel.wates"]).post(reverse("registry:household-create"), data)
    assert page.status_code == 200 and not Household.objects.exists()
    body = page.content.decode()
    assert "scientific notation" in body or "notasi ilmiah" in body
    assert 'value="Jl. Majapahit 7"' in body and 'value="Sri Lestari"' in body


def test_household_create_shows_likely_duplicates_before_saving(users, people, client_for):
    PersonFactory(
        full_name="Slamet Riyadi",
        birth_date=datetime.date(1980, 1, 2),
        region_id=KRANGGAN,
        nik=None,
        needs_civil_documents=True,
    )
    client = client_for(users["kel.wates"])
    page = client.post(reverse("registry:household-create"), household_post())
    assert page.status_code == 200 and page.context["duplicates"]
    assert not Household.objects.filter(kk_number="3576020202020002").exists()
    assert (
        client.post(reverse("registry:household-create"), {**household_post(), "bukan_duplikat": "1"}).status_code
        == 302
    )


def test_submit_verify_and_reject_through_the_pages(users, client_for):
    client_for(users["kel.wates"]).post(reverse("registry:household-create"), household_post())
    household = Household.objects.get()
    assert (
        client_for(users["loket"]).post(reverse("registry:record-submit", args=["keluarga", household.pk])).status_code
        == 403
    )
    client_for(users["kel.wates"]).post(reverse("registry:record-submit", args=["keluarga", household.pk]))
    assert (
        client_for(users["kel.wates"])
        .post(reverse("registry:record-verify", args=["keluarga", household.pk]))
        .status_code
        == 403
    )
    assert (
        client_for(users["kel.kranggan"])
        .post(reverse("registry:record-verify", args=["keluarga", household.pk]))
        .status_code
        == 404
    )
    queue = client_for(users["manajer"]).get(reverse("registry:verification-queue"))
    assert household in queue.context["households"]
    reject = client_for(users["manajer"]).post(
        reverse("registry:record-reject", args=["keluarga", household.pk]), {"reason": "KK tidak terbaca"}
    )
    assert reject.status_code == 302
    household.refresh_from_db()
    assert household.status == VerificationStatus.REJECTED
    client_for(users["kel.wates"]).post(reverse("registry:record-submit", args=["keluarga", household.pk]))
    client_for(users["manajer"]).post(reverse("registry:record-verify", args=["keluarga", household.pk]))
    household.refresh_from_db()
    assert household.status == VerificationStatus.VERIFIED


def test_people_without_nik_are_marked_in_the_list(users, people, client_for):
    PersonFactory(full_name="Tanpa Identitas", nik=None, needs_civil_documents=True)
    body = client_for(users["manajer"]).get(reverse("registry:person-list"), {"without_nik": "true"}).content.decode()
    assert "Tanpa Identitas" in body and "badge text-bg-warning" in body


def test_disability_profile_edit_in_scope_out_of_scope_and_read_only(users, people, client_for):
    person = people["wates"]
    person.status = VerificationStatus.VERIFIED
    person.save()
    url = reverse("registry:person-profile-edit", args=[person.pk, "disabilitas"])
    assert client_for(users["kel.kranggan"]).get(url).status_code == 404
    assert client_for(users["loket"]).get(url).status_code == 403
    client = client_for(users["kel.wates"])
    assert client.get(url).status_code == 200
    empty = client.post(url, {"severity": "berat"})
    assert empty.status_code == 200 and "types" in empty.context["form"].errors
    saved = client.post(
        url, {"types": ["fisik", "netra"], "severity": "berat", "devices_needed": ["kursi_roda"], "wg_walking": "4"}
    )
    assert saved.status_code == 302
    person.refresh_from_db()
    assert (
        person.disability.types == ["fisik", "netra"]
        and person.disability.is_multiple
        and person.disability.has_wg_disability
    )
    assert person.status == VerificationStatus.SUBMITTED  # a changed profile needs verifying again
    assert LogEntry.objects.filter(content_type__model="disabilityprofile", actor=users["kel.wates"]).exists()


def test_welfare_profile_edit_validates_the_decile(users, people, client_for):
    url = reverse("registry:person-profile-edit", args=[people["wates"].pk, "kesejahteraan"])
    client = client_for(users["kel.wates"])
    bad = client.post(url, {"dtks_status": "terdaftar", "decile": "11"})
    assert bad.status_code == 200 and "decile" in bad.context["form"].errors
    assert client.post(url, {"dtks_status": "terdaftar", "decile": "2", "uninhabitable_house": "on"}).status_code == 302
    assert people["wates"].__class__.objects.get(pk=people["wates"].pk).welfare.decile == 2
    assert client.get(reverse("registry:person-profile-edit", args=[people["wates"].pk, "lainnya"])).status_code == 404


def test_export_csv_and_xlsx_hold_only_the_scope_and_are_audited(users, people, client_for):
    import io

    import openpyxl

    response = client_for(users["kel.wates"]).get(reverse("registry:person-export", args=["csv"]))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('penduduk.csv"')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("nik,no_kk,nama,jenis_kelamin,tempat_lahir,tanggal_lahir")
    assert len(lines) == 2 and "Sutrisno Wates" in lines[1] and people["wates"].nik in lines[1]
    entry = LogEntry.objects.get(object_pk="export", actor=users["kel.wates"])
    assert entry.additional_data["rows"] == 1 and entry.additional_data["export"] == "csv"

    xlsx = client_for(users["manajer"]).get(reverse("registry:person-export", args=["xlsx"]), {"region": KRANGGAN})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.values)
    assert rows[1][2] == "Rahayu Kranggan" and len(rows) == 2
    assert rows[1][0] == people["kranggan"].nik  # stored as text: Excel keeps all 16 digits
    assert LogEntry.objects.get(object_pk="export", actor=users["manajer"]).additional_data["filters"] == {
        "region": KRANGGAN
    }


@pytest.mark.parametrize("username, status", [("loket", 403), ("dinkes", 403), ("admin", 403)])
def test_export_is_refused_to_roles_without_it(users, people, client_for, username, status):
    assert client_for(users[username]).get(reverse("registry:person-export", args=["csv"])).status_code == status
    assert not LogEntry.objects.filter(object_pk="export").exists()


def test_export_of_an_unknown_format_is_404(users, client_for):
    assert client_for(users["manajer"]).get("/registri/orang/ekspor.pdf").status_code == 404


def test_one_members_confirmed_nik_does_not_depend_on_the_others(users, client_for):
    data = household_post()
    data["anggota-0-sex"] = "P"  # the head's NIK encodes a man
    client = client_for(users["kel.wates"])
    asked = client.post(reverse("registry:household-create"), data)
    assert asked.status_code == 200 and "confirm_nik" in asked.context["members"].forms[0].errors
    saved = client.post(reverse("registry:household-create"), {**data, "anggota-0-confirm_nik": "on"})
    assert saved.status_code == 302
    head = Household.objects.get().members.get(relationship="kepala")
    wife = Household.objects.get().members.get(relationship="suami_istri")
    assert head.nik_mismatch_confirmed and not wife.nik_mismatch_confirmed


def test_the_person_page_shows_the_assistive_devices_needed_and_owned(users, people, client_for):
    from registry.models import AssistiveDevice, DisabilityProfile

    person = people["wates"]
    DisabilityProfile.objects.create(
        person=person,
        types=["fisik"],
        severity="berat",
        devices_needed=[AssistiveDevice.WHEELCHAIR, AssistiveDevice.HEARING_AID],
        devices_owned=[AssistiveDevice.CRUTCHES],
    )
    page = client_for(users["kel.wates"]).get(reverse("registry:person-detail", args=[person.pk])).content.decode()
    assert re.search(r"Alat bantu yang dibutuhkan</dt>\s*<dd[^>]*>Kursi roda, Alat bantu dengar</dd>", page)
    assert re.search(r"Alat bantu yang dimiliki</dt>\s*<dd[^>]*>Kruk</dd>", page)
