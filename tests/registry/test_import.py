"""Importing households and people from CSV/XLSX: messy files, exact previews, confirm and cancel,
idempotent re-imports, scope, audit, the template, and the Celery path with a real worker."""

import datetime
import io
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from onegate.audit.models import LogEntry
from registry import services
from registry.importing import batches, tasks
from registry.importing.columns import (
    COLUMN_NAMES,
    PpksLookup,
    read_choice,
    read_date,
    read_programs,
)
from registry.importing.parsing import open_table, read_xlsx
from registry.importing.problems import render
from registry.models import (
    DisabilityProfile,
    Household,
    ImportBatch,
    ImportStatus,
    Person,
    PpksCategory,
    Relationship,
    VerificationStatus,
    WelfareProfile,
)
from tests.conftest import KRANGGAN, WATES
from tests.factories import HouseholdFactory, PersonFactory, nik_for

D = datetime.date
HEADER = " NIK ;No KK;NAMA;Jenis Kelamin;tempat lahir;Tanggal_Lahir;HUBUNGAN_KELUARGA;Alamat;RT;RW;Kode Wilayah;Catatan"
KK1 = "3576020101990001"
REGISTRY_MODELS = ("household", "person", "disabilityprofile", "welfareprofile", "programreceipt", "personppks")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def csv_file(lines, *, header=HEADER, bom=True, name="data.csv", encoding="utf-8") -> SimpleUploadedFile:
    text = ("\ufeff" if bom else "") + "\r\n".join([header, *lines]) + "\r\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def upload(user, file) -> ImportBatch:
    """Upload; a workbook is then read and checked as the worker does it (the task's own code)."""
    with translation.override("en"):
        batch = batches.upload(file, user=user, request_id="test-upload-0001")
    if batch.file_format == "xlsx":
        tasks.preview_import(batch.pk)
        batch.refresh_from_db()
    return batch


def problems(stored) -> list[tuple]:
    """A batch's stored problems as (row, column, message in English)."""
    with translation.override("en"):
        return [(line, column, render(message)) for line, column, message, _nik, _name in stored]


def failure(batch) -> str:
    with translation.override("en"):
        return batch.failure_text


def confirm(user, batch, *, checked=False):
    with translation.override("en"):
        batches.confirm(batch, user=user, nik_warnings_checked=checked, request_id="test-confirm-0001")
    batch.refresh_from_db()
    return batch


def counts(batch):
    return {k: getattr(batch, f"{k}_count") for k in ("new", "changed", "unchanged", "invalid", "warning")}


def stored_files(private_media):
    """The uploads and what is made of them (the invalid rows kept for download aside)."""
    folder = private_media / "imports"
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("rejected-")) if folder.exists() else []


def registry_log_count():
    types = ContentType.objects.filter(app_label="registry", model__in=REGISTRY_MODELS)
    return LogEntry.objects.filter(content_type__in=types).count()


# --- A messy CSV from a kelurahan officer -------------------------------------------------------
@pytest.fixture
def existing(users):
    return {
        "same": PersonFactory(full_name="Tetap Sama", sex="L", birth_date=D(1966, 6, 6), region_id=WATES),
        "renamed": PersonFactory(full_name="Nama Lama", sex="P", birth_date=D(1967, 7, 7), region_id=WATES),
        "kranggan": PersonFactory(full_name="Rahasia Kranggan", sex="L", birth_date=D(1968, 8, 8), region_id=KRANGGAN),
    }


def messy_lines(existing):
    same, renamed = existing["same"], existing["renamed"]
    twin = nik_for(WATES, D(1991, 1, 1), "L", 8)
    return [
        f"{nik_for(WATES, D(1980, 1, 1), 'L', 1)};{KK1};Budi Santoso;L;Mojokerto;01/01/1980;Kepala Keluarga;Jl. Mawar 1;1;2;3576021010;x",  # 2 new
        f"{nik_for(WATES, D(1985, 2, 2), 'P', 2)};{KK1};Sri Wahyuni;Perempuan;;1985-02-02;Istri;;;;35.76.02.1010;",  # 3 new
        f";{KK1};Dewi Lestari;P;;3/4/2010;Anak ke-2;;;;35.76.02.1010;",  # 4 new, without NIK
        "357602010190000;;Lima Belas;L;;01/01/1990;;Jl. A;;;35.76.02.1010;",  # 5 NIK of 15 digits
        "3.57602E+15;;Notasi Ilmiah;L;;01/01/1990;;Jl. A;;;35.76.02.1010;",  # 6 scientific notation
        "35760201019000AB;;Huruf;L;;01/01/1990;;Jl. A;;;35.76.02.1010;",  # 7 letters
        f"{twin};;Kembar Satu;L;;01/01/1991;;Jl. A;;;35.76.02.1010;",  # 8 duplicate NIK
        f"{twin};;Kembar Dua;L;;01/01/1991;;Jl. A;;;35.76.02.1010;",  # 9 duplicate NIK
        f"{nik_for(KRANGGAN, D(1975, 5, 5), 'L', 10)};;Orang Kranggan;L;;05/05/1975;;Jl. B;;;{KRANGGAN};",  # 10 outside
        f"{nik_for(WATES, D(1970, 7, 7), 'P', 11)};;Sutini;L;;07/07/1970;;Jl. C;;;35.76.02.1010;",  # 11 NIK says woman
        f"'{nik_for(WATES, D(1992, 2, 2), 'L', 12)};;Apostrof;L;;02/02/1992;;Jl. D;;;35.76.02.1010;",  # 12 new
        f"{same.nik};;Tetap Sama;L;Mojokerto;06/06/1966;;;;;35.76.02.1010;",  # 13 unchanged
        f"{renamed.nik};;Nama Baru;P;;07/07/1967;;;;;35.76.02.1010;",  # 14 changed
    ]


def test_a_messy_csv_is_previewed_with_exact_counts_and_reasons(users, existing, private_media):
    before = registry_log_count()
    batch = upload(users["kel.wates"], csv_file(messy_lines(existing)))
    assert batch.status == ImportStatus.PREVIEW
    assert batch.total_rows == 13
    assert counts(batch) == {"new": 5, "changed": 1, "unchanged": 1, "invalid": 6, "warning": 1}
    assert [(line, column) for line, column, _ in problems(batch.errors)] == [
        (5, "nik"), (6, "nik"), (7, "nik"), (8, "nik"), (9, "nik"), (10, "kode_wilayah"),
    ]  # fmt: skip
    reasons = {line: reason for line, _, reason in problems(batch.errors)}
    assert "15" in reasons[5] and "scientific" in reasons[6] and "digits" in reasons[7]
    assert "rows 8 (Kembar Satu), 9 (Kembar Dua)" in reasons[8] and "outside your area" in reasons[10].lower()
    assert [(line, column) for line, column, _ in problems(batch.warnings)] == [(11, "jenis_kelamin")]
    assert batch.ignored_columns == ["Catatan"]
    # A preview writes nothing but the batch, and keeps the file and its plan until a decision.
    assert not Person.objects.filter(full_name__in=["Budi Santoso", "Sutini"]).exists()
    assert Person.objects.get(pk=existing["renamed"].pk).full_name == "Nama Lama"
    assert registry_log_count() == before
    assert stored_files(private_media) == sorted([batch.file_path, batch.file_path.replace(".csv", ".plan")])


def test_confirming_writes_drafts_households_profiles_and_audit_rows(users, existing, client_for, private_media):
    officer = users["kel.wates"]
    batch = upload(officer, csv_file(messy_lines(existing)))
    client = client_for(officer)
    url = reverse("registry:import-confirm", args=[batch.pk])

    response = client.post(url, HTTP_X_REQUEST_ID="import-confirm-0001")  # the NIK warning is not ticked
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW and not Person.objects.filter(full_name="Budi Santoso").exists()

    confirmed = client.post(url, {"nik_checked": "on"})
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE
    assert counts(batch) == {"new": 5, "changed": 1, "unchanged": 1, "invalid": 6, "warning": 1}
    assert batch.file_path == "" and stored_files(private_media) == []

    household = Household.objects.get(kk_number=KK1)
    assert (household.address, household.rt, household.rw, household.region_id) == ("Jl. Mawar 1", "001", "002", WATES)
    assert household.status == VerificationStatus.DRAFT and household.created_by == officer
    members = {p.full_name: p for p in household.members.all()}
    assert set(members) == {"Budi Santoso", "Sri Wahyuni", "Dewi Lestari"}
    assert members["Budi Santoso"].relationship == Relationship.HEAD
    assert members["Sri Wahyuni"].relationship == Relationship.SPOUSE and members["Sri Wahyuni"].birth_date == D(
        1985, 2, 2
    )
    dewi = members["Dewi Lestari"]
    assert (
        dewi.nik is None
        and dewi.needs_civil_documents
        and dewi.birth_date == D(2010, 4, 3)
        and dewi.relationship == Relationship.CHILD
    )
    assert all(p.status == VerificationStatus.DRAFT and p.created_by == officer for p in members.values())
    sutini = Person.objects.get(full_name="Sutini")
    assert sutini.nik_mismatch_confirmed and sutini.sex == "L" and sutini.domicile_address == "Jl. C"
    assert Person.objects.get(full_name="Apostrof").nik == nik_for(
        WATES, D(1992, 2, 2), "L", 12
    )  # the apostrophe, explicitly
    assert Person.objects.get(pk=existing["renamed"].pk).full_name == "Nama Baru"
    for name in ("Lima Belas", "Notasi Ilmiah", "Huruf", "Kembar Satu", "Kembar Dua", "Orang Kranggan"):
        assert not Person.objects.filter(full_name=name).exists()

    entries = LogEntry.objects.filter(cid=confirmed["X-Request-ID"], additional_data__import_batch=batch.pk)
    person_type = ContentType.objects.get_for_model(Person)
    created = entries.filter(content_type=person_type, action=LogEntry.Action.CREATE)
    assert created.count() == 5 and set(created.values_list("actor", flat=True)) == {officer.pk}
    budi = members["Budi Santoso"]
    entry = created.get(object_id=budi.pk)
    assert entry.object_repr == "Budi Santoso"
    assert entry.changes["nik"] == [None, budi.nik] and entry.changes["household"] == [None, household.pk]
    assert entry.changes["birth_date"] == [None, "1980-01-01"] and "updated_at" not in entry.changes
    update = entries.get(content_type=person_type, action=LogEntry.Action.UPDATE)
    assert update.object_id == existing["renamed"].pk and update.changes == {"full_name": ["Nama Lama", "Nama Baru"]}
    assert (
        entries.filter(content_type=ContentType.objects.get_for_model(Household), action=LogEntry.Action.CREATE).count()
        == 1
    )
    page = client.get(reverse("registry:person-detail", args=[budi.pk]))  # the history shows the import's rows
    assert page.status_code == 200 and entry in [e.entry for e in page.context["history"]]
    trail = client_for(users["manajer"]).get(reverse("audit:trail"), {"object_pk": str(budi.pk)})
    assert trail.status_code == 200 and "Budi Santoso" in trail.content.decode()
    # The batch is itself on the record: who confirmed it and when.
    assert LogEntry.objects.get_for_object(batch).filter(actor=officer, changes__status__1=ImportStatus.DONE).exists()


def test_importing_the_same_file_again_changes_nothing(users, existing, private_media):
    officer = users["kel.wates"]
    first = confirm(officer, upload(officer, csv_file(messy_lines(existing))), checked=True)
    assert first.status == ImportStatus.DONE
    stamps = dict(Person.objects.values_list("pk", "updated_at"))
    households = dict(Household.objects.values_list("pk", "updated_at"))
    logged = registry_log_count()

    again = upload(officer, csv_file(messy_lines(existing)))
    assert counts(again) == {"new": 0, "changed": 0, "unchanged": 7, "invalid": 6, "warning": 0}
    confirm(officer, again)
    assert again.status == ImportStatus.DONE
    assert dict(Person.objects.values_list("pk", "updated_at")) == stamps
    assert dict(Household.objects.values_list("pk", "updated_at")) == households
    assert registry_log_count() == logged
    assert Person.objects.filter(full_name="Dewi Lestari").count() == 1  # matched without a NIK


def test_cancel_writes_nothing_and_deletes_the_file(users, existing, client_for, private_media):
    officer = users["kel.wates"]
    batch = upload(officer, csv_file(messy_lines(existing)))
    people, logged = Person.objects.count(), registry_log_count()
    response = client_for(officer).post(reverse("registry:import-cancel", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CANCELLED and batch.file_path == ""
    assert stored_files(private_media) == []
    assert Person.objects.count() == people and registry_log_count() == logged
    with pytest.raises(ValidationError):
        batches.confirm(batch, user=officer, nik_warnings_checked=True)
    assert Person.objects.count() == people


def test_invalid_rows_never_touch_existing_records(users, existing):
    officer = users["kel.wates"]
    home = HouseholdFactory(kk_number="3576020202020002", address="Jl. Lama 1", region_id=WATES)
    member = PersonFactory(full_name="Anggota Lama", household=home, region_id=WATES, birth_date=D(1979, 9, 9))
    kranggan = existing["kranggan"]
    lines = [
        # the existing member's NIK with a new name, but an impossible date
        f"{member.nik};{home.kk_number};Anggota Baru;L;;32/13/1979;;Jl. Baru 9;;;{WATES};",
        # a new address for the existing household, on a row whose NIK is broken
        f"12345;{home.kk_number};Orang Lain;L;;01/01/1990;;Jl. Baru 9;;;{WATES};",
        # the NIK of a person outside the officer's kelurahan
        f"{kranggan.nik};;Dicoba Ubah;L;;08/08/1968;;Jl. Wates;;;{WATES};",
    ]
    batch = upload(officer, csv_file(lines))
    assert counts(batch) == {"new": 0, "changed": 0, "unchanged": 0, "invalid": 3, "warning": 0}
    outside = [reason for line, _, reason in problems(batch.errors) if line == 4]
    assert outside == ["NIK already registered elsewhere; contact Dinsos."]
    assert "Rahasia" not in str(batch.errors) and KRANGGAN not in str(batch.errors)  # nothing about that person
    confirm(officer, batch)
    member.refresh_from_db(), home.refresh_from_db(), kranggan.refresh_from_db()
    assert (member.full_name, home.address) == ("Anggota Lama", "Jl. Lama 1")
    assert (kranggan.full_name, kranggan.region_id) == ("Rahasia Kranggan", KRANGGAN)


def test_a_changed_verified_person_goes_back_to_submitted(users):
    manager, officer = users["manajer"], users["kel.wates"]
    person = PersonFactory(
        full_name="Sudah Verifikasi", region_id=WATES, status=VerificationStatus.VERIFIED, verified_by=manager
    )
    untouched = PersonFactory(
        full_name="Tidak Berubah", region_id=WATES, status=VerificationStatus.VERIFIED, verified_by=manager
    )

    def day(p):
        return p.birth_date.strftime("%d/%m/%Y")

    lines = [
        f"{person.nik};;Sudah Verifikasi;L;;{day(person)};;;;;{WATES};",
        f"{untouched.nik};;Tidak Berubah;L;;{day(untouched)};;;;;{WATES};",
    ]
    header = HEADER + ";telepon"
    batch = upload(officer, csv_file([lines[0] + ";081299990000", lines[1]], header=header))
    assert counts(batch)["changed"] == 1 and counts(batch)["unchanged"] == 1
    confirm(officer, batch)
    person.refresh_from_db(), untouched.refresh_from_db()
    assert (person.phone, person.status, person.verified_by) == ("081299990000", VerificationStatus.SUBMITTED, None)
    assert untouched.status == VerificationStatus.VERIFIED
    change = LogEntry.objects.get(
        object_id=person.pk, action=LogEntry.Action.UPDATE, additional_data__import_batch=batch.pk
    )
    assert change.changes["status"] == ["verified", "submitted"] and change.changes["phone"] == ["", "081299990000"]


def test_households_are_matched_by_kk_and_must_agree_within_the_file(users):
    officer = users["kel.wates"]
    elsewhere = HouseholdFactory(kk_number="3576030303030003", region_id=KRANGGAN)
    kk2, kk4 = "3576020404040004", "3576020505050005"

    def nik(n, sex="L"):
        return nik_for(WATES, D(1990, 1, n), sex, n)

    lines = [
        f"{nik(1)};{kk2};Kepala Satu;L;;01/01/1990;Kepala Keluarga;Jl. Satu;3;4;{WATES};",  # 2 new
        f"{nik(2)};{kk2};Anggota Dua;L;;02/01/1990;Anak;Jl. Dua;;;{WATES};",  # 3 another address
        f"{nik(3)};{kk2};Kepala Lagi;L;;03/01/1990;kepala;;;;{WATES};",  # 4 a second head
        f"{nik(4)};{elsewhere.kk_number};Di Kranggan;L;;04/01/1990;Anak;;;;{WATES};",  # 5 KK of another kelurahan
        f"{nik(5)};{kk4};Tanpa Alamat;L;;05/01/1990;Kepala Keluarga;;;;{WATES};",  # 6 new KK without address
    ]
    batch = upload(officer, csv_file(lines))
    assert counts(batch) == {"new": 1, "changed": 0, "unchanged": 0, "invalid": 4, "warning": 0}
    assert [(line, column) for line, column, _ in problems(batch.errors)] == [
        (3, "alamat"),
        (4, "hubungan_keluarga"),
        (5, "no_kk"),
        (6, "alamat"),
    ]
    assert "alamat" in problems(batch.errors)[3][2]
    assert problems(batch.errors)[2][2] == "KK number already registered elsewhere; contact Dinsos."
    confirm(officer, batch)
    assert Household.objects.get(kk_number=kk2).members.get().full_name == "Kepala Satu"
    assert not Household.objects.filter(kk_number=kk4).exists()


def test_the_xlsx_path_reads_typed_cells_and_profiles(users):
    officer = users["kel.wates"]
    columns = COLUMN_NAMES[:11] + [
        "jenis_disabilitas",
        "tingkat_disabilitas",
        "status_dtks",
        "desil",
        "rtlh",
        "program",
        "ppks",
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(columns)
    slamet = nik_for(WATES, D(1960, 3, 3), "L", 21)
    kk = "3576020606060006"
    sheet.append([slamet, kk, "Slamet", "laki-laki", "Mojokerto", datetime.datetime(1960, 3, 3), "kepala keluarga", "Jl. Melati 3",
                  2, 4, 3576021010, "tuna netra, daksa", "Berat", "Terdaftar", 1, "ya", "PKH 2025; Sembako 2024", "Lanjut Usia Terlantar; 24"])  # fmt: skip
    sheet.append([int(nik_for(WATES, D(1962, 4, 4), "P", 22)), kk, "Angka", "P", "", "04/04/1962", "Istri", "", "", "", WATES,
                  "", "", "", "", "", "", ""])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = upload(officer, SimpleUploadedFile("data.xlsx", buffer.getvalue()))
    assert counts(batch) == {"new": 1, "changed": 0, "unchanged": 0, "invalid": 1, "warning": 0}
    assert [(line, column) for line, column, _ in problems(batch.errors)] == [(3, "nik")]
    assert "stored as a number" in problems(batch.errors)[0][2]
    confirm(officer, batch)
    person = Person.objects.get(nik=slamet)
    assert (person.birth_date, person.sex, person.relationship) == (D(1960, 3, 3), "L", Relationship.HEAD)
    assert (person.household.rt, person.household.rw, person.household.kk_number) == ("002", "004", kk)
    disability = DisabilityProfile.objects.get(person=person)
    assert (sorted(disability.types), disability.severity) == (["fisik", "netra"], "berat")
    welfare = WelfareProfile.objects.get(person=person)
    assert (welfare.dtks_status, welfare.decile, welfare.uninhabitable_house) == ("terdaftar", 1, True)
    assert set(person.programs.values_list("program", "year")) == {("pkh", 2025), ("bpnt", 2024)}
    assert set(person.ppks.values_list("category__code", flat=True)) == {8, 24}


def test_profiles_of_an_existing_person_are_completed_not_duplicated(users):
    officer = users["kel.wates"]
    person = PersonFactory(region_id=WATES, full_name="Punya Profil", status=VerificationStatus.VERIFIED)
    WelfareProfile.objects.create(person=person, dtks_status="terdaftar", decile=3)
    header = HEADER + ";desil;program;jenis_disabilitas"
    line = f"{person.nik};;Punya Profil;L;;{person.birth_date:%d/%m/%Y};;;;;{WATES};;3;PKH 2025;fisik"
    batch = upload(officer, csv_file([line], header=header))
    assert batch.errors[0][1] == "tingkat_disabilitas"  # a new disability record needs its severity too
    batch = upload(officer, csv_file([line.removesuffix(";fisik") + ";"], header=header))
    assert counts(batch)["changed"] == 1
    confirm(officer, batch)
    assert person.programs.get().program == "pkh" and WelfareProfile.objects.get(person=person).decile == 3
    person.refresh_from_db()
    assert person.status == VerificationStatus.SUBMITTED  # a new programme changes the verified record
    assert (
        counts(confirm(officer, upload(officer, csv_file([line.removesuffix(";fisik") + ";"], header=header))))[
            "unchanged"
        ]
        == 1
    )


def test_short_lists_update_the_people_they_name(users):
    """Lists as received from SIKS-NG/DTSEN: NIK and decile only, or NIK and name."""
    officer = users["kel.wates"]
    known = PersonFactory(region_id=WATES, full_name="Punya Desil")
    WelfareProfile.objects.create(person=known, dtks_status="terdaftar", decile=5)
    without_profile = PersonFactory(region_id=WATES, full_name="Belum Ada Profil")
    unknown = nik_for(WATES, D(1993, 3, 3), "P", 51)
    batch = upload(
        officer, csv_file([f"{known.nik};2", f"{without_profile.nik};3", f"{unknown};4"], header="NIK;Desil")
    )
    assert counts(batch) == {"new": 0, "changed": 1, "unchanged": 0, "invalid": 2, "warning": 0}
    assert [(line, column) for line, column, _ in problems(batch.errors)] == [
        (3, "status_dtks"),
        (4, "jenis_kelamin"),
        (4, "nama"),
    ]
    confirm(officer, batch)
    assert (
        WelfareProfile.objects.get(person=known).decile == 2
        and known.full_name == Person.objects.get(pk=known.pk).full_name
    )

    # Without kode_wilayah an officer's new people are in the officer's kelurahan; a manager must say where.
    line = f"{unknown};Nama Saja;P"
    assert counts(upload(officer, csv_file([line], header="nik;nama;jenis_kelamin")))["new"] == 1
    batch = upload(users["manajer"], csv_file([line], header="nik;nama;jenis_kelamin"))
    assert [(line, column) for line, column, _ in problems(batch.errors)] == [(2, "kode_wilayah")]


def test_an_error_while_writing_leaves_the_registry_as_it_was(users, existing, monkeypatch, private_media):
    officer = users["kel.wates"]
    batch = upload(officer, csv_file(messy_lines(existing)))
    people, logged = Person.objects.count(), registry_log_count()

    def write_then_fail(plan, **kwargs):
        real_write_plan(plan, **kwargs)
        raise RuntimeError("disk full")

    real_write_plan = batches.write_plan
    monkeypatch.setattr(batches, "write_plan", write_then_fail)
    confirm(officer, batch, checked=True)
    assert batch.status == ImportStatus.FAILED and "nothing was saved" in failure(batch)
    assert Person.objects.count() == people and registry_log_count() == logged
    assert not Household.objects.filter(kk_number=KK1).exists() and stored_files(private_media) == []


def test_the_confirmation_writes_the_previews_plan_without_checking_the_file_again(
    users, existing, monkeypatch, private_media
):
    officer = users["kel.wates"]
    batch = upload(officer, csv_file(messy_lines(existing)))

    def no_second_check(*args, **kwargs):
        raise AssertionError("the file was checked again")

    monkeypatch.setattr(batches, "make_plan", no_second_check)
    confirm(officer, batch, checked=True)
    assert batch.status == ImportStatus.DONE and stored_files(private_media) == []  # the file and its plan
    assert counts(batch) == {"new": 5, "changed": 1, "unchanged": 1, "invalid": 6, "warning": 1}
    assert (
        Person.objects.filter(
            full_name__in=["Budi Santoso", "Sri Wahyuni", "Dewi Lestari", "Sutini", "Apostrof"]
        ).count()
        == 5
    )


def test_a_plan_that_cannot_be_read_is_made_again_from_the_file(users, existing, private_media):
    officer = users["kel.wates"]
    batch = upload(officer, csv_file(messy_lines(existing)))
    (private_media / "imports" / batch.file_path).with_suffix(".plan").write_bytes(b"written by another version")
    confirm(officer, batch, checked=True)
    assert batch.status == ImportStatus.DONE and stored_files(private_media) == []
    assert counts(batch) == {"new": 5, "changed": 1, "unchanged": 1, "invalid": 6, "warning": 1}


def test_every_record_created_or_changed_has_one_audit_row_of_the_batch(users):
    officer = users["kel.wates"]
    verified = PersonFactory(full_name="Sudah Ada", region_id=WATES, status=VerificationStatus.VERIFIED)
    home = HouseholdFactory(kk_number="3576020101990002", region_id=WATES, address="Jl. Lama")
    member = PersonFactory(full_name="Anggota", region_id=WATES, household=home, relationship=Relationship.HEAD)
    header = "nik;no_kk;nama;jenis_kelamin;tanggal_lahir;hubungan_keluarga;alamat;kode_wilayah;jenis_disabilitas;tingkat_disabilitas;status_dtks;program;ppks"
    lines = [
        f"{nik_for(WATES, D(1980, 1, 1), 'L', 41)};{KK1};Ayah;L;01/01/1980;Kepala Keluarga;Jl. Baru;{WATES};fisik;berat;terdaftar;PKH 2025;9",
        f"{nik_for(WATES, D(1982, 2, 2), 'P', 42)};{KK1};Ibu;P;02/02/1982;Istri;;;;;;;",
        f"{verified.nik};;Sudah Ada Baru;L;{verified.birth_date:%d/%m/%Y};;;{WATES};;;diusulkan;;",
        f"{member.nik};{home.kk_number};Anggota;L;{member.birth_date:%d/%m/%Y};Kepala Keluarga;Jl. Pindah;{WATES};;;;;",
    ]
    batch = confirm(officer, upload(officer, csv_file(lines, header=header)), checked=True)
    assert counts(batch) == {"new": 2, "changed": 2, "unchanged": 0, "invalid": 0, "warning": 0}
    ayah = Person.objects.get(full_name="Ayah")
    created = [
        Household.objects.get(kk_number=KK1), ayah, Person.objects.get(full_name="Ibu"), DisabilityProfile.objects.get(person=ayah),
        WelfareProfile.objects.get(person=ayah), ayah.programs.get(), ayah.ppks.get(), WelfareProfile.objects.get(person=verified),
    ]  # fmt: skip
    updated = [verified, home]
    entries = LogEntry.objects.filter(additional_data__import_batch=batch.pk, cid="test-confirm-0001", actor=officer)
    assert sorted((e.content_type.model, e.object_id, e.action) for e in entries) == sorted(
        [(r._meta.model_name, r.pk, LogEntry.Action.CREATE) for r in created]
        + [(r._meta.model_name, r.pk, LogEntry.Action.UPDATE) for r in updated]
    )
    assert entries.get(object_id=verified.pk, action=LogEntry.Action.UPDATE).changes["full_name"] == [
        "Sudah Ada",
        "Sudah Ada Baru",
    ]
    assert entries.get(object_id=home.pk, action=LogEntry.Action.UPDATE).changes["address"] == [
        "Jl. Lama",
        "Jl. Pindah",
    ]
    assert entries.get(object_id=ayah.pk, action=LogEntry.Action.CREATE).changes["birth_date"] == [None, "1980-01-01"]


def test_a_record_edited_after_the_preview_is_not_overwritten(users, existing, private_media):
    officer = users["kel.wates"]
    batch = upload(officer, csv_file(messy_lines(existing)))
    renamed = existing["renamed"]
    Person.objects.filter(pk=renamed.pk).update(phone="0811")  # a form saved before the confirmation
    confirm(officer, batch, checked=True)
    assert batch.status == ImportStatus.DONE and stored_files(private_media) == []
    assert counts(batch) == {"new": 5, "changed": 0, "unchanged": 1, "invalid": 6, "warning": 1}
    renamed.refresh_from_db()
    # The edit is kept whole: the row is set aside as a conflict, not merged field by field.
    assert (renamed.full_name, renamed.phone) == ("Nama Lama", "0811")
    assert [(line, column) for line, column, *_ in batch.conflicts] == [(14, "nik")]
    assert not LogEntry.objects.filter(object_id=renamed.pk, additional_data__import_batch=batch.pk).exists()


def test_a_nik_registered_after_the_preview_is_not_registered_twice(users, existing):
    officer = users["kel.wates"]
    batch = upload(officer, csv_file(messy_lines(existing)))
    nik = nik_for(WATES, D(1992, 2, 2), "L", 12)  # row 12: a new person in the preview
    PersonFactory(nik=nik, full_name="Orang Lain", region_id=KRANGGAN)  # registered meanwhile, elsewhere
    confirm(officer, batch, checked=True)
    assert batch.status == ImportStatus.DONE
    assert counts(batch) == {"new": 4, "changed": 1, "unchanged": 1, "invalid": 7, "warning": 1}
    assert [reason for line, column, reason in problems(batch.errors) if line == 12] == [
        "NIK already registered elsewhere; contact Dinsos."
    ]
    assert list(Person.objects.filter(nik=nik).values_list("full_name", "region_id")) == [("Orang Lain", KRANGGAN)]
    assert (
        Person.objects.filter(full_name="Budi Santoso").exists()
        and not Person.objects.filter(full_name="Apostrof").exists()
    )


def test_a_namesake_registered_after_the_preview_is_matched_not_duplicated(users):
    officer = users["kel.wates"]
    line = f";;Tanpa Nik;L;;05/05/1995;;Jl. E;;;{WATES};"
    batch = upload(officer, csv_file([line]))
    assert counts(batch)["new"] == 1
    someone = PersonFactory(
        nik=None, needs_civil_documents=True, full_name="TANPA NIK", birth_date=D(1995, 5, 5), region_id=WATES
    )
    confirm(officer, batch)
    assert batch.status == ImportStatus.DONE and counts(batch)["new"] == 0 and counts(batch)["changed"] == 1
    assert list(Person.objects.filter(full_name__iexact="tanpa nik").values_list("pk", flat=True)) == [someone.pk]


def test_a_nik_registered_while_writing_fails_the_batch_and_saves_nothing(users, existing, monkeypatch):
    officer = users["kel.wates"]
    batch = upload(officer, csv_file(messy_lines(existing)))
    real_still_holds = batches.still_holds

    def holds_then_someone_registers(plan, user):
        result = real_still_holds(plan, user)
        PersonFactory(nik=nik_for(WATES, D(1992, 2, 2), "L", 12), full_name="Orang Lain")  # after the check
        return result

    monkeypatch.setattr(batches, "still_holds", holds_then_someone_registers)
    confirm(officer, batch, checked=True)
    assert batch.status == ImportStatus.FAILED and "changed or registered by someone else" in failure(batch)
    assert not Person.objects.filter(full_name__in=["Budi Santoso", "Orang Lain"]).exists()


def test_a_record_changed_while_the_file_is_checked_again_fails_the_batch_and_saves_nothing(
    users, existing, monkeypatch
):
    officer = users["kel.wates"]
    batch = upload(officer, csv_file(messy_lines(existing)))
    renamed = existing["renamed"]
    Person.objects.filter(pk=renamed.pk).update(phone="0811")  # the preview's plan no longer holds
    real_make_plan = batches.make_plan

    def plan_then_someone_edits(*args, **kwargs):
        result = real_make_plan(*args, **kwargs)
        Person.objects.filter(pk=renamed.pk).update(phone="0812")  # a form saved meanwhile
        return result

    monkeypatch.setattr(batches, "make_plan", plan_then_someone_edits)
    confirm(officer, batch, checked=True)
    assert batch.status == ImportStatus.FAILED and "changed or registered by someone else" in failure(batch)
    renamed.refresh_from_db()
    assert renamed.full_name == "Nama Lama" and not Person.objects.filter(full_name="Budi Santoso").exists()


# --- Files that cannot be imported --------------------------------------------------------------
@pytest.mark.parametrize(
    "file, reason",
    [
        (SimpleUploadedFile("data.pdf", b"%PDF-1.4"), ".csv or .xlsx"),
        (SimpleUploadedFile("data.xls", b"\xd0\xcf\x11\xe0rest"), ".xls"),
        (SimpleUploadedFile("data.csv", b""), "empty"),
        (SimpleUploadedFile("data.csv", b"nama;alamat\r\nSiti;Jl. A\r\n"), "lacks the required column(s): nik"),
        (SimpleUploadedFile("data.csv", ";".join(COLUMN_NAMES).encode() + b"\r\n"), "no rows"),
        (
            SimpleUploadedFile("data.csv", (";".join(COLUMN_NAMES) + "\r\n;;Siti Ma\xe2ruf").encode("cp1252")),
            "not UTF-8",
        ),
        (SimpleUploadedFile("data.xlsx", b"not a zip"), "not an Excel"),
        (SimpleUploadedFile("data.csv", b"PK\x03\x04 zipped"), "Excel workbook"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_and_nothing_is_kept(users, client_for, private_media, file, reason):
    client = client_for(users["kel.wates"])
    client.cookies["django_language"] = "en"
    response = client.post(reverse("registry:import-start"), {"file": file})
    assert response.status_code == 200
    assert reason in " ".join(response.context["form"].errors["file"])
    assert not ImportBatch.objects.exists() and stored_files(private_media) == []


def test_a_csv_without_a_final_newline_or_with_commas_is_read(users):
    line = f"{nik_for(WATES, D(1990, 1, 1), 'L', 71)},Tanpa Akhir Baris,L"
    batch = upload(users["kel.wates"], SimpleUploadedFile("data.csv", f"NIK,Nama,Jenis Kelamin\n{line}".encode()))
    assert batch.status == ImportStatus.PREVIEW and counts(batch)["new"] == 1


def test_only_the_first_problems_are_stored_but_counts_are_exact(users, monkeypatch):
    monkeypatch.setattr(batches, "STORED_PROBLEMS", 3)
    lines = [f"123;;Salah {i};L;;01/01/1990;;;;;{WATES};" for i in range(7)]
    batch = upload(users["kel.wates"], csv_file(lines))
    assert batch.invalid_count == 7 and len(batch.errors) == 3


# --- The template --------------------------------------------------------------------------------
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_blank_template_reads_back_as_every_column_and_no_rows(users, client_for, tmp_path, file_format):
    response = client_for(users["kel.wates"]).get(reverse("registry:import-template", args=[file_format]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    path = tmp_path / f"templat.{file_format}"
    path.write_bytes(response.content)
    if file_format == "xlsx":  # read as the worker reads a workbook
        read_xlsx(path, tmp_path / "templat.rows")
        path = tmp_path / "templat.rows"
    table = open_table(path, file_format)
    assert sorted(table.positions) == sorted(COLUMN_NAMES) and table.ignored == []
    assert list(table.rows) == []
    table.close()


# --- Scope -----------------------------------------------------------------------------------------
@pytest.fixture
def kranggan_batch(users):
    line = f"{nik_for(KRANGGAN, D(1981, 1, 1), 'L', 31)};;Warga Kranggan;L;;01/01/1981;;Jl. K;;;{KRANGGAN};"
    return upload(users["kel.kranggan"], csv_file([line]))


def test_an_officer_cannot_see_or_decide_on_another_kelurahans_batch(users, client_for, kranggan_batch):
    client = client_for(users["kel.wates"])
    pk = kranggan_batch.pk
    assert client.get(reverse("registry:import-detail", args=[pk])).status_code == 404
    assert client.get(reverse("registry:import-progress", args=[pk])).status_code == 404
    assert client.post(reverse("registry:import-confirm", args=[pk])).status_code == 404
    assert client.post(reverse("registry:import-cancel", args=[pk])).status_code == 404
    assert kranggan_batch.original_name not in client.get(reverse("registry:import-start")).content.decode()
    kranggan_batch.refresh_from_db()
    assert (
        kranggan_batch.status == ImportStatus.PREVIEW and not Person.objects.filter(full_name="Warga Kranggan").exists()
    )


@pytest.mark.parametrize("username", ["dinkes", "loket", "admin"])
def test_roles_without_registry_writes_cannot_import(users, client_for, kranggan_batch, username):
    client = client_for(users[username])
    assert client.get(reverse("registry:import-start")).status_code == 403
    assert client.get(reverse("registry:import-template", args=["csv"])).status_code == 403
    assert client.get(reverse("registry:import-detail", args=[kranggan_batch.pk])).status_code == 403
    assert client.post(reverse("registry:import-confirm", args=[kranggan_batch.pk])).status_code == 403


def test_a_manager_sees_an_officers_batch_but_only_the_uploader_decides(users, client_for, kranggan_batch):
    client = client_for(users["manajer"])
    assert client.get(reverse("registry:import-detail", args=[kranggan_batch.pk])).status_code == 200
    assert kranggan_batch.original_name in client.get(reverse("registry:import-start")).content.decode()
    assert client.post(reverse("registry:import-confirm", args=[kranggan_batch.pk])).status_code == 403
    kranggan_batch.refresh_from_db()
    assert kranggan_batch.status == ImportStatus.PREVIEW


def test_the_upload_page_shows_the_form_the_template_links_and_own_batches(users, client_for, kranggan_batch):
    response = client_for(users["kel.kranggan"]).get(reverse("registry:import-start"))
    body = response.content.decode()
    assert response.status_code == 200 and 'type="file"' in body
    assert (
        reverse("registry:import-template", args=["xlsx"]) in body
        and reverse("registry:import-detail", args=[kranggan_batch.pk]) in body
    )


def test_the_progress_fragment_polls_while_processing_and_reloads_when_done(users, client_for, kranggan_batch):
    client = client_for(users["kel.kranggan"])
    url = reverse("registry:import-progress", args=[kranggan_batch.pk])
    assert client.get(url, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    ImportBatch.objects.filter(pk=kranggan_batch.pk).update(status=ImportStatus.PROCESSING)
    batches.set_progress(kranggan_batch.pk, 40)
    response = client.get(url, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and 'value="40"' in body and "hx-trigger" in body


# --- The rules are the registry's rules ----------------------------------------------------------
def test_rows_the_importer_accepts_pass_the_services_person_rules_and_its_refusals_fail_them(users):
    """The importer does not run full_clean per row (too slow); this checks it agrees with it."""
    officer = users["kel.wates"]
    kecamatan = "35.76.02"
    cases = [
        ("ok", f"{nik_for(WATES, D(1990, 1, 1), 'L', 41)};;Benar;L;;01/01/1990;;;;;{WATES};"),
        ("ok", f";;Tanpa NIK;P;;;;;;;{WATES};"),
        ("nik_disagreement", f"{nik_for(WATES, D(1990, 1, 2), 'P', 42)};;Salah Kelamin;L;;02/01/1990;;;;;{WATES};"),
        ("nik_disagreement", f"{nik_for(WATES, D(1990, 1, 3), 'L', 43)};;Salah Tanggal;L;;04/01/1990;;;;;{WATES};"),
        ("invalid", f"{nik_for(WATES, D(1990, 1, 5), 'L', 45)};;{'Panjang' * 22};L;;05/01/1990;;;;;{WATES};"),
        ("invalid", f"{nik_for(WATES, D(1990, 1, 6), 'L', 46)};;Kecamatan;L;;06/01/1990;;;;;{kecamatan};"),
    ]
    batch = upload(officer, csv_file([line for _, line in cases]))
    warned, invalid = {w[0] for w in batch.warnings}, {e[0] for e in batch.errors}
    for line, (expected, text) in enumerate(cases, start=2):
        cells = text.split(";")
        person = Person(
            nik=cells[0] or None, full_name=cells[2], sex=cells[3], region_id=cells[10],
            birth_date=datetime.datetime.strptime(cells[5], "%d/%m/%Y").date() if cells[5] else None,
        )  # fmt: skip
        try:
            services._person_rules(person, confirm_nik=True)
            verdict = "ok"
        except ValidationError:
            verdict = "invalid"
        if verdict == "ok" and services.person_nik_warnings(
            {"nik": person.nik, "sex": person.sex, "birth_date": person.birth_date, "region": person.region_id}
        ):
            verdict = "nik_disagreement"
        importer = "invalid" if line in invalid else "nik_disagreement" if line in warned else "ok"
        assert (line, verdict) == (line, expected) and importer == expected


# --- Reading cells loosely ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw, value",
    [("Kepala Keluarga", "kepala"), ("KEPALA KELUARGA", "kepala"), ("Istri", "suami_istri"), ("suami", "suami_istri"),
     ("Anak", "anak"), ("Anak ke-2", "anak"), ("anak_kandung", "anak"), ("Famili Lain", "famili_lain"), ("orang tua", "orang_tua")],
)  # fmt: skip
def test_relationships_are_read_loosely(raw, value):
    assert read_choice(Relationship, raw) == value


def test_dates_and_programmes_and_ppks_are_read_as_documented(db):
    assert read_date("05/06/1980") == read_date("5/6/1980") == read_date("1980-06-05") == D(1980, 6, 5)
    for bad in ("1980/06/05", "05-06-1980", "31/02/1980"):
        with pytest.raises(ValueError):
            read_date(bad)
    assert read_programs("PKH 2025; BPNT 2024, Sembako-2023") == [("pkh", 2025), ("bpnt", 2024), ("bpnt", 2023)]
    with pytest.raises(ValueError):
        read_programs("PKH")
    lookup = PpksLookup(list(PpksCategory.objects.values_list("id", "code", "name")))
    ids = dict(PpksCategory.objects.values_list("code", "id"))
    assert lookup.read("9; fakir miskin, ODHA") == [ids[9], ids[24], ids[16]]


# --- The Celery path ------------------------------------------------------------------------------
def worker_finished(batch, seconds=60) -> str:
    """The batch's status once the worker's step is over (the row is the job's truth; no results are kept)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status != ImportStatus.PROCESSING:
            return batch.status
        time.sleep(0.2)
    return batch.status


@pytest.mark.celery
def test_a_big_file_is_checked_and_written_by_the_celery_worker(
    transactional_db, celery_worker_queue, users, client_for, settings
):
    settings.REGISTRY_IMPORT_SYNC_MAX_ROWS = 2
    settings.PRIVATE_MEDIA_ROOT = settings.BASE_DIR / "var" / "private"  # where the worker process looks
    officer = users["kel.wates"]
    lines = [
        f"{nik_for(WATES, D(1990, 2, n), 'L', 60 + n)};;Pekerja {n};L;;{n:02d}/02/1990;;Jl. Celery;;;{WATES};"
        for n in range(1, 6)
    ]
    client = client_for(officer)
    response = client.post(reverse("registry:import-start"), {"file": csv_file(lines)})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.task_id
    assert worker_finished(batch) == ImportStatus.PREVIEW
    batch.refresh_from_db()
    assert counts(batch) == {"new": 5, "changed": 0, "unchanged": 0, "invalid": 0, "warning": 0}
    assert client.get(reverse("registry:import-progress", args=[batch.pk]))["HX-Refresh"] == "true"

    confirmed = client.post(reverse("registry:import-confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert worker_finished(batch) == ImportStatus.DONE
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE and batch.file_path == ""
    assert Person.objects.filter(full_name__startswith="Pekerja", status=VerificationStatus.DRAFT).count() == 5
    person_type = ContentType.objects.get_for_model(Person)
    entries = LogEntry.objects.filter(cid=confirmed["X-Request-ID"], content_type=person_type)
    assert entries.count() == 5 and set(entries.values_list("actor", flat=True)) == {officer.pk}

    # A workbook, however small, is read by the worker (in its memory-capped child), never here.
    workbook = Workbook()
    workbook.active.append(["nik", "nama", "jenis_kelamin", "kode_wilayah"])
    workbook.active.append([nik_for(WATES, D(1990, 3, 1), "L", 70), "Dari Excel", "L", WATES])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(
        reverse("registry:import-start"), {"file": SimpleUploadedFile("data.xlsx", buffer.getvalue())}
    )
    batch = ImportBatch.objects.get(original_name="data.xlsx")
    assert response.status_code == 302 and batch.is_checking and batch.task_id
    assert worker_finished(batch) == ImportStatus.PREVIEW
    batch.refresh_from_db()
    assert (batch.total_rows, batch.new_count, batch.file_path.endswith(".rows")) == (1, 1, True)
