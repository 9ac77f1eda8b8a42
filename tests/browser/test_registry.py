"""Registry journeys in chromium: a kelurahan officer registers a family on a tablet, a manager
verifies it; axe-core finds no serious or critical violation on the registry pages."""

import pytest
from playwright.sync_api import expect

from registry.models import Household, VerificationStatus
from tests.browser.test_roles import log_in, serious_violations

pytestmark = pytest.mark.browser
TABLET = {"width": 820, "height": 1180}


def test_an_officer_registers_a_household_on_a_tablet_and_a_manager_verifies_it(demo_site, browser):
    officer = browser.new_context(viewport=TABLET).new_page()
    log_in(officer, demo_site.url, "kel.wates")
    officer.goto(f"{demo_site.url}/registri/keluarga/baru/")
    assert serious_violations(officer) == []
    officer.fill("#id_kk_number", "3576020303030003")
    expect(officer.locator("#id_region")).to_have_value("35.76.02.1010")  # the officer's own kelurahan
    officer.fill("#id_address", "Jl. Brawijaya 21")
    officer.fill("#id_rt", "004")
    officer.fill("#id_rw", "002")
    officer.fill("#id_anggota-0-nik", "3576020101800111")
    officer.fill("#id_anggota-0-full_name", "Hadi Purnomo")
    officer.select_option("#id_anggota-0-sex", "L")
    officer.fill("#id_anggota-0-birth_date", "01/01/1980")
    officer.select_option("#id_anggota-0-relationship", "kepala")
    officer.click("#add-member")
    expect(officer.locator("#id_anggota-1-nik")).to_be_focused()
    officer.keyboard.type("3576024202850112")
    officer.fill("#id_anggota-1-full_name", "Wulan Sari")
    officer.select_option("#id_anggota-1-sex", "P")
    officer.fill("#id_anggota-1-birth_date", "02/02/1985")
    officer.select_option("#id_anggota-1-relationship", "suami_istri")
    officer.locator("#household-form button[type=submit]").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text("3576020303030003")
    expect(officer.get_by_role("table", name="Anggota keluarga")).to_contain_text(
        "Wulan Sari"
    )  # the members, not the history
    assert serious_violations(officer) == []
    officer.locator("form[action*='/ajukan/'] button").click()
    expect(officer.locator(".og-status-submitted").first).to_be_visible()

    manager = browser.new_context(viewport=TABLET).new_page()
    log_in(manager, demo_site.url, "manajer")
    # The queue shows the oldest submissions first: filter to Wates's households and page to the new one.
    manager.goto(f"{demo_site.url}/registri/verifikasi/?kind=keluarga&region=35.76.02.1010")
    assert serious_violations(manager) == []
    new_household = manager.get_by_role("link", name="3576020303030003")
    while not new_household.count():
        manager.get_by_role("navigation", name="Halaman keluarga").get_by_role("link", name="Berikutnya").click()
    new_household.click()
    manager.locator("form[action*='/verifikasi/'] button").click()
    expect(manager.locator(".og-status-verified").first).to_be_visible()
    household = Household.objects.get(kk_number="3576020303030003")
    assert household.status == VerificationStatus.VERIFIED
    assert set(household.members.values_list("status", flat=True)) == {VerificationStatus.VERIFIED}

    manager.goto(f"{demo_site.url}/registri/orang/")
    assert serious_violations(manager) == []
    manager.fill("#id_q", "wulan")
    manager.locator("form[role=search] button[type=submit]").click()
    expect(manager.locator("#person-table")).to_contain_text("Wulan Sari")
    manager.get_by_role("link", name="Wulan Sari").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Wulan Sari")
    assert serious_violations(manager) == []


def test_an_officer_cannot_open_another_kelurahans_household(demo_site, browser):
    page = browser.new_context(viewport=TABLET).new_page()
    log_in(page, demo_site.url, "kel.kranggan")
    from registry.models import Person
    from tests.factories import PersonFactory

    wates_person = PersonFactory(region_id="35.76.02.1010")
    response = page.goto(f"{demo_site.url}/registri/orang/{wates_person.pk}/")
    assert response.status == 404
    assert Person.objects.filter(pk=wates_person.pk).exists()
