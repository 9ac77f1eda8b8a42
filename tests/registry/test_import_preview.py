"""What the import preview tells (issue 16): every problem names its row by NIK (as the reader's role
may see it) and name; the invalid rows download as CSV with their reasons, to correct and upload
again; cleaned values and repeated rows are notices; messages are in the reader's language; a
finished batch speaks of what was done; times are the portal's."""

import csv
import datetime
import html
import io
import os
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from onegate.audit.models import LogEntry
from registry.importing import batches
from registry.importing.problems import for_reader
from registry.models import ImportBatch, ImportStatus, Person
from tests.conftest import WATES
from tests.factories import nik_for

D = datetime.date
HEADER = "nik;no_kk;nama;jenis_kelamin;tanggal_lahir;alamat;kode_wilayah"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def nik(n: int, sex="L") -> str:
    return nik_for(WATES, D(1990, 4, n), sex, 90 + n)


def line(number: str, name: str, sex="L", day=1, kk="") -> str:
    return f"{number};{kk};{name};{sex};{day:02d}/04/1990;Jl. Pratinjau;{WATES}"


def upload(client, lines, *, header=HEADER, name="data.csv", language="en"):
    client.cookies["django_language"] = language
    text = "\r\n".join([header, *lines]) + "\r\n"
    response = client.post(
        reverse("registry:import-start"), {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")}
    )
    assert response.status_code == 302, response.context["form"].errors
    return ImportBatch.objects.latest("pk")


def table_rows(page_html: str, table_id: str) -> list[list[str]]:
    """The cells of each body row of the table, as text."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page_html, re.S)[0]
    body = table.split("<tbody>")[1]
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def page(client, batch, language="en") -> str:
    client.cookies["django_language"] = language
    return client.get(batch.get_absolute_url()).content.decode()


def test_each_problem_names_its_row_by_nik_and_name(users, client_for):
    client = client_for(users["kel.wates"])
    batch = upload(client, [line(nik(1), "Benar Satu", day=1), line("357602010190000", "Lima Belas Digit", day=2)])
    assert table_rows(page(client, batch), "import-errors") == [
        ["3", "357602010190000", "Lima Belas Digit", "nik", "NIK must have exactly 16 digits (this one has 15)."]
    ]


def test_the_nik_beside_a_problem_is_masked_for_roles_that_see_masked_niks(users, client_for):
    batch = upload(client_for(users["kel.wates"]), [line(nik(1), "Kembar A"), line(nik(1), "Kembar B", day=2)])
    whole = for_reader(batch.errors, users["kel.wates"])
    masked = for_reader(batch.errors, users["loket"])  # front desk: masked NIKs everywhere
    assert [p["nik"] for p in whole] == [nik(1), nik(1)] and [p["name"] for p in whole] == ["Kembar A", "Kembar B"]
    assert [p["nik"] for p in masked] == [nik(1)[:4] + "********" + nik(1)[12:]] * 2


def test_different_rows_sharing_a_nik_are_both_rejected_and_named(users, client_for):
    batch = upload(client_for(users["kel.wates"]), [line(nik(1), "Kembar A"), line(nik(1), "Kembar B", day=2)])
    assert (batch.new_count, batch.invalid_count) == (0, 2)
    with translation.override("en"):
        texts = [p["text"] for p in for_reader(batch.errors, users["kel.wates"])]
    assert texts == ["The same NIK is on rows 2 (Kembar A), 3 (Kembar B)."] * 2


def test_identical_rows_with_one_nik_are_imported_once_with_a_notice(users, client_for):
    client = client_for(users["kel.wates"])
    same = line(nik(1), "Dua Kali")
    batch = upload(client, [same, same.replace(";L;", ";Laki-laki;"), line(nik(2), "Sekali", day=2)])
    assert (batch.new_count, batch.unchanged_count, batch.invalid_count) == (2, 1, 0)
    assert table_rows(page(client, batch), "import-notices") == [
        ["3", nik(1), "Dua Kali", "nik", "The same as row 2: imported once."]
    ]
    batches.confirm(batch, user=users["kel.wates"], nik_warnings_checked=False)
    assert Person.objects.filter(nik=nik(1)).count() == 1


def test_a_cleaned_nik_is_a_notice_on_its_row(users, client_for):
    client = client_for(users["kel.wates"])
    typed = f"{nik(2)[:4]} {nik(2)[4:8]}-{nik(2)[8:12]}.{nik(2)[12:]}"
    batch = upload(client, [line(f"'{nik(1)}", "Apostrof"), line(typed, "Pemisah", day=2)])
    assert (batch.new_count, batch.invalid_count, batch.notice_count) == (2, 0, 2)
    assert table_rows(page(client, batch), "import-notices") == [
        ["2", nik(1), "Apostrof", "nik", f"NIK “'{nik(1)}” was read as {nik(1)} (apostrophe, spaces, dots or dashes removed)."],
        ["3", nik(2), "Pemisah", "nik", f"NIK “{typed}” was read as {nik(2)} (apostrophe, spaces, dots or dashes removed)."],
    ]  # fmt: skip


def test_the_invalid_rows_download_with_reasons_neutralised_and_import_again_once_corrected(users, client_for):
    officer = users["kel.wates"]
    client = client_for(officer)
    batch = upload(
        client,
        [line(nik(1), "Baik"), line("123", "Salah Ketik", day=2), line("35760201019000", '=HYPERLINK("x")', day=3)],
    )
    assert (batch.new_count, batch.invalid_count) == (1, 2)
    assert 'id="import-rejected-link"' in page(client, batch)
    response = client.get(reverse("registry:import-rejected", args=[batch.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["nik", "no_kk", "nama", "jenis_kelamin", "tanggal_lahir", "alamat", "kode_wilayah", "alasan"],
        ["123", "", "Salah Ketik", "L", "02/04/1990", "Jl. Pratinjau", WATES,
         "nik: NIK must have exactly 16 digits (this one has 3)."],
        ["35760201019000", "", "'=HYPERLINK(\"x\")", "L", "03/04/1990", "Jl. Pratinjau", WATES,
         "nik: NIK must have exactly 16 digits (this one has 14)."],
    ]  # fmt: skip
    export = LogEntry.objects.filter(object_pk="export", actor=officer).get()
    assert export.additional_data == {
        "export": "csv",
        "rows": 2,
        "filters": {"import_batch": batch.pk, "rows": "rejected"},
    }
    batches.confirm(batch, user=officer, nik_warnings_checked=False)
    assert client.get(reverse("registry:import-rejected", args=[batch.pk])).status_code == 200  # kept after

    rows[1][0] = nik(2)  # corrected; the other row is left for later
    corrected = io.StringIO()
    csv.writer(corrected).writerows(rows[:2])
    again = upload(client, corrected.getvalue().strip().splitlines()[1:], header=corrected.getvalue().splitlines()[0])
    assert (again.status, again.new_count, again.invalid_count) == (ImportStatus.PREVIEW, 1, 0)
    assert again.ignored_columns == ["alasan"]


def test_the_invalid_rows_are_deleted_with_a_cancelled_batch(users, client_for):
    client = client_for(users["kel.wates"])
    batch = upload(client, [line("123", "Salah Ketik")])
    batches.cancel(batch, user=users["kel.wates"])
    assert client.get(reverse("registry:import-rejected", args=[batch.pk])).status_code == 404


def test_problems_are_shown_in_the_readers_language(users, client_for):
    client = client_for(users["kel.wates"])
    batch = upload(client, [line(nik(1, "P"), "Salah Kelamin", sex="L")], language="id")
    english, indonesian = page(client, batch, "en"), page(client, batch, "id")  # stored once, shown in each
    assert (
        table_rows(english, "import-warnings")[0][4] == "The NIK belongs to a woman: 40 is added to her day of birth."
    )
    assert table_rows(indonesian, "import-warnings")[0][4] == "NIK ini milik perempuan: tanggal lahirnya ditambah 40."


def test_a_finished_batch_no_longer_asks_to_confirm_below(users, client_for):
    client = client_for(users["kel.wates"])
    batch = upload(client, [line(nik(1, "P"), "Salah Kelamin", sex="L")])
    assert "confirm below" in page(client, batch)
    batches.confirm(batch, user=users["kel.wates"], nik_warnings_checked=True)
    shown = page(client, batch)
    assert "confirm below" not in shown and 'id="import-confirm-form"' not in shown
    assert "They were saved as they are: the uploader confirmed checking these NIKs." in shown


def test_a_batch_is_named_with_the_portals_time(users, client_for):
    batch = upload(client_for(users["kel.wates"]), [line(nik(1), "Waktu")], name="waktu.csv")
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=datetime.datetime(2026, 12, 7, 1, 30, tzinfo=ZoneInfo("UTC"))
    )
    batch.refresh_from_db()
    assert str(batch) == "waktu.csv (07/12/2026 08:30)"  # Asia/Jakarta, as every other time shown


def test_the_invalid_rows_are_deleted_after_the_days_they_are_kept(users, client_for, settings):
    settings.REGISTRY_IMPORT_REJECTED_DAYS = 7
    client = client_for(users["kel.wates"])
    old, recent = (upload(client, [line("123", f"Salah {n}")]) for n in (1, 2))
    eight_days_ago = (datetime.datetime.now() - datetime.timedelta(days=8)).timestamp()
    os.utime(batches.rejected_file_of(old), (eight_days_ago, eight_days_ago))
    batches.purge_stale()
    assert client.get(reverse("registry:import-rejected", args=[old.pk])).status_code == 404
    assert client.get(reverse("registry:import-rejected", args=[recent.pk])).status_code == 200
