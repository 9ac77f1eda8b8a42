"""No lost work in chromium (issue 16): a double click on the intake's submit button records one
complaint, and two people editing the same person in two browsers lose nothing."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from complaints.models import Complaint
from registry.models import Person
from tests.browser.test_roles import log_in, serious_violations

pytestmark = pytest.mark.browser
TABLET = {"width": 820, "height": 1180}
SAVE_INTAKE = "Simpan dan tampilkan tanda terima"


def test_a_double_click_on_the_intake_records_one_complaint(demo_site, browser):
    page = browser.new_context(viewport=TABLET).new_page()
    log_in(page, demo_site.url, "loket")
    page.goto(f"{demo_site.url}{reverse('complaints:create')}")
    page.fill("#id_complainant_name", "Siti Aminah")
    page.fill("#id_complainant_phone", "081234567890")
    page.fill("#id_subject_name", "Paijo Klik Dua Kali")
    page.select_option("#id_subject_region", index=1)
    page.select_option("#id_subject_sex", "L")
    page.select_option("#id_category", index=2)
    page.fill("#id_description", "Kartu BPJS tidak aktif ketika berobat.")
    before = Complaint.objects.count()
    page.get_by_role("button", name=SAVE_INTAKE).dblclick()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tanda terima pengaduan")
    assert Complaint.objects.count() == before + 1
    assert Person.objects.filter(full_name="Paijo Klik Dua Kali").count() == 1


def test_two_people_editing_one_person_lose_nothing(demo_site, browser):
    person = Person.objects.filter(region_id="35.76.02.1010", merged_into__isnull=True).order_by("pk").first()
    url = f"{demo_site.url}{reverse('registry:person-edit', args=[person.pk])}"
    officer = browser.new_context(viewport=TABLET).new_page()
    manager = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(officer, demo_site.url, "kel.wates")
    log_in(manager, demo_site.url, "manajer")
    officer.goto(url)
    manager.goto(url)

    officer.fill("#id_phone", "0822 1111 2222")
    officer.get_by_role("button", name="Simpan").click()
    expect(officer.get_by_text("Perubahan telah disimpan.")).to_be_visible()

    manager.fill("#id_occupation", "Petani")
    manager.get_by_role("button", name="Simpan").click()
    panel = manager.locator("#edit-conflict")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Telepon")
    expect(panel).to_contain_text("0822 1111 2222")
    expect(manager.locator("#id_occupation")).to_have_value("Petani")
    assert serious_violations(manager) == []
    stored = Person.objects.get(pk=person.pk)
    assert (stored.phone, stored.occupation) == ("0822 1111 2222", person.occupation)

    manager.fill("#id_phone", "0822 1111 2222")  # merged: the officer's number, the manager's occupation
    manager.get_by_role("button", name="Simpan").click()
    expect(manager.get_by_text("Perubahan telah disimpan.")).to_be_visible()
    stored.refresh_from_db()
    assert (stored.phone, stored.occupation) == ("0822 1111 2222", "Petani")
