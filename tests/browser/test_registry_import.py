"""Import journey in chromium at tablet width: a kelurahan officer downloads the template, uploads a
file, reads the preview (an invalid row and a NIK warning), confirms, and finds the drafts; every page
is free of serious or critical axe-core violations."""

import datetime

import pytest
from playwright.sync_api import expect

from registry.models import (
    Household,
    ImportBatch,
    ImportStatus,
    Person,
    VerificationStatus,
)
from tests.browser.test_roles import click_menu, log_in, serious_violations
from tests.conftest import KRANGGAN, WATES
from tests.factories import nik_for

pytestmark = pytest.mark.browser
TABLET = {"width": 820, "height": 1180}
KK = "3576020909090009"


def import_file() -> bytes:
    d = datetime.date
    lines = [
        "nik;no_kk;nama;jenis_kelamin;tempat_lahir;tanggal_lahir;hubungan_keluarga;alamat;rt;rw;kode_wilayah",
        f"{nik_for(WATES, d(1981, 3, 3), 'L', 9871)};{KK};Joko Impor;L;Mojokerto;03/03/1981;Kepala Keluarga;Jl. Impor 1;3;5;{WATES}",
        f"{nik_for(WATES, d(1983, 4, 4), 'P', 9872)};{KK};Rina Impor;L;Mojokerto;1983-04-04;Istri;;;;{WATES}",
        f"{nik_for(KRANGGAN, d(1984, 5, 5), 'L', 9873)};;Luar Wilayah;L;;05/05/1984;;Jl. Lain;;;{KRANGGAN}",
    ]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def test_an_officer_imports_a_file_on_a_tablet(demo_site, browser):
    page = browser.new_context(viewport=TABLET).new_page()
    log_in(page, demo_site.url, "kel.wates")
    page.get_by_role("button", name="Tampilkan menu").click()  # the menu is folded at tablet width
    click_menu(page, "import")
    expect(page.locator("#import-form")).to_be_visible()
    assert serious_violations(page) == []
    with page.expect_download() as download:
        page.locator("#template-links a").first.click()
    assert download.value.suggested_filename == "templat-impor-penduduk.xlsx"

    page.set_input_files("#id_file", files=[{"name": "keluarga.csv", "mimeType": "text/csv", "buffer": import_file()}])
    page.locator("#import-form button[type=submit]").click()
    expect(page.locator("[data-import-status]")).to_have_attribute("data-import-status", ImportStatus.PREVIEW)
    expect(page.locator("[data-count=new]")).to_have_text("2")
    expect(page.locator("[data-count=invalid]")).to_have_text("1")
    expect(page.locator("#import-errors tbody tr")).to_have_count(1)
    expect(page.locator("#import-warnings tbody tr")).to_have_count(1)  # Rina's NIK belongs to a woman
    assert serious_violations(page) == []

    page.locator("#id_nik_checked").check()
    page.locator("#import-confirm-form button[type=submit]").click()
    expect(page.locator("[data-import-status]")).to_have_attribute("data-import-status", ImportStatus.DONE)
    assert serious_violations(page) == []

    household = Household.objects.get(kk_number=KK)
    assert household.status == VerificationStatus.DRAFT and household.region_id == WATES
    assert set(household.members.values_list("full_name", flat=True)) == {"Joko Impor", "Rina Impor"}
    assert Person.objects.get(full_name="Rina Impor").nik_mismatch_confirmed
    assert not Person.objects.filter(full_name="Luar Wilayah").exists()
    batch = ImportBatch.objects.get(original_name="keluarga.csv")
    assert batch.file_path == "" and batch.uploaded_by.username == "kel.wates"

    page.goto(f"{demo_site.url}/registri/impor/")
    expect(page.locator("#import-batches")).to_contain_text("keluarga.csv")
    assert serious_violations(page) == []
