"""The household list and edit pages in chromium on a tablet: axe-core clean (empty, with results,
with errors), the list refreshing in place, and an officer adding a member and taking one out."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from registry.models import Household, Person, Relationship
from tests.browser.test_roles import log_in, serious_violations

pytestmark = pytest.mark.browser
TABLET = {"width": 820, "height": 1180}
WATES = "35.76.02.1010"


def _wates_family():
    """A demo household of Wates with a head and at least one other member."""
    for household in Household.objects.filter(region_id=WATES).order_by("pk"):
        members = list(household.members.filter(merged_into__isnull=True).order_by("pk"))
        if len(members) >= 2 and sum(m.relationship == Relationship.HEAD for m in members) == 1:
            return household, members
    pytest.fail("the demo data has no Wates family of two or more")


def test_the_household_pages_are_accessible(demo_site, browser):
    household, _ = _wates_family()
    pages = {
        "kel.wates": [
            reverse("registry:household-list"),
            reverse("registry:household-list") + "?q=zzzz-nobody",
            reverse("registry:household-list") + "?sort=-head_name&page=2",
            household.get_absolute_url(),
            reverse("registry:household-edit", args=[household.pk]),
        ],
        "manajer": [
            reverse("registry:household-list") + f"?region={WATES}&status=draft",
            reverse("registry:household-edit", args=[household.pk]),
        ],
        "loket": [reverse("registry:household-list"), household.get_absolute_url()],
    }
    for username, urls in pages.items():
        page = browser.new_context(viewport=TABLET).new_page()
        log_in(page, demo_site.url, username)
        for url in urls:
            response = page.goto(demo_site.url + url)
            assert response.status == 200, url
            assert serious_violations(page) == [], url
        if username == "kel.wates":
            # The edit page showing its errors: the address emptied, a new member with a mangled NIK.
            page.goto(demo_site.url + reverse("registry:household-edit", args=[household.pk]))
            page.fill("#id_address", "")
            page.get_by_role("button", name="Tambah anggota").click()
            page.fill("#id_baru-0-nik", "3.57601E+15")
            page.get_by_role("button", name="Simpan perubahan").click()
            expect(page.locator("#member-errors")).to_be_visible()
            assert page.locator("#id_address.is-invalid").count() == 1
            assert serious_violations(page) == [], "household edit with errors"


def test_an_officer_finds_a_family_adds_a_member_and_takes_one_out(demo_site, browser):
    household, members = _wates_family()
    head = next(m for m in members if m.relationship == Relationship.HEAD)
    leaving = next(m for m in members if m.relationship != Relationship.HEAD)
    page = browser.new_context(viewport=TABLET).new_page()
    log_in(page, demo_site.url, "kel.wates")
    page.goto(demo_site.url + reverse("registry:household-list"))
    # The search refreshes the table in place (htmx) and puts the query in the address bar.
    page.get_by_label("Nomor KK atau nama kepala keluarga").fill(household.kk_number or head.full_name)
    page.get_by_role("button", name="Cari").click()
    expect(page.locator("#household-table")).to_contain_text(head.full_name)
    assert "q=" in page.url
    page.locator("#household-table tr", has_text=head.full_name).get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Keluarga")
    page.get_by_role("link", name="Ubah", exact=True).click()

    page.get_by_role("button", name="Tambah anggota").click()
    page.fill("#id_baru-0-full_name", "Putri Anggota Baru")
    page.select_option("#id_baru-0-sex", "P")
    page.fill("#id_baru-0-birth_date", "03/03/2020")
    page.select_option("#id_baru-0-relationship", "cucu")
    page.locator(f"#id_anggota-{leaving.pk}-remove").check()
    page.get_by_role("button", name="Simpan perubahan").click()
    duplicates = page.locator("#bukan-duplikat")
    if duplicates.count():  # a look-alike in the demo data: the officer checked it
        duplicates.check()
        page.get_by_role("button", name="Simpan perubahan").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Putri Anggota Baru")
    assert household.members.filter(full_name="Putri Anggota Baru", relationship="cucu").exists()
    leaving = Person.objects.get(pk=leaving.pk)
    assert leaving.household_id is None  # still in the registry
    # The history shows both changes.
    history = page.locator("section[aria-labelledby=history-title]")
    expect(history).to_contain_text("Putri Anggota Baru")
    expect(history).to_contain_text(leaving.full_name)
    assert serious_violations(page) == []
