"""A resident reports a person with a disability from a phone, without an account; the kelurahan
officer registers the person from the report. axe-core finds no serious or critical violation."""

import re

import pytest
from playwright.sync_api import expect

from registry.models import Person, SelfReport, SelfReportStatus, VerificationStatus
from tests.browser.test_roles import log_in, serious_violations

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}


def answer_the_question(page, *, wrong=False):
    label = page.locator("label[for=id_challenge_answer]").inner_text()
    a, b = (int(n) for n in re.findall(r"\d+", label)[:2])
    page.fill("#id_challenge_answer", str(a + b + (1 if wrong else 0)))


def test_a_resident_reports_on_a_phone_and_the_kelurahan_officer_registers_the_person(demo_site, browser, settings):
    settings.PUBLIC_FORM_MIN_SECONDS = 0  # a robot fills the form faster than any person
    resident = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    resident.goto(f"{demo_site.url}/lapor/disabilitas/")
    assert serious_violations(resident) == []
    assert resident.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    resident.check("#id_reporter_relation_1")  # a family member
    resident.fill("#id_reporter_name", "Siti Aminah")
    resident.fill("#id_reporter_phone", "081234567890")
    resident.fill("#id_full_name", "Joko Prasetyo")
    resident.fill("#id_nik", "3576 0215 0788 0123")
    resident.check("#id_sex_0")
    resident.fill("#id_birth_place", "Mojokerto")
    resident.fill("#id_birth_date", "15/07/1988")
    resident.fill("#id_address", "Jl. Melati 12")
    resident.fill("#id_rt", "001")
    resident.fill("#id_rw", "002")
    resident.select_option("#id_region", "35.76.02.1010")
    resident.check("input[name=types][value=fisik]")
    resident.check("input[name=severity][value=berat]")
    resident.check("input[name=devices_needed][value=kursi_roda]")
    resident.fill("#id_daily_needs", "Perlu kursi roda untuk ke puskesmas")
    resident.check("#id_consent")
    answer_the_question(resident, wrong=True)
    resident.locator("#self-report-form button[type=submit]").click()

    # A wrong answer: a new question, and nothing typed is lost.
    expect(resident.locator("#error-summary")).to_be_visible()
    expect(resident.locator("#id_full_name")).to_have_value("Joko Prasetyo")
    expect(resident.locator("#id_daily_needs")).to_have_value("Perlu kursi roda untuk ke puskesmas")
    expect(resident.locator("input[name=types][value=fisik]")).to_be_checked()
    expect(resident.locator("#id_challenge_answer")).to_have_value("")
    assert not SelfReport.objects.exists()
    assert serious_violations(resident) == []
    answer_the_question(resident)
    resident.locator("#self-report-form button[type=submit]").click()

    reference = resident.get_by_test_id("reference")
    expect(reference).to_have_text(re.compile(r"^LD-[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    assert serious_violations(resident) == []
    report = SelfReport.objects.get(reference=reference.inner_text())
    assert (report.region_id, report.nik, report.status) == ("35.76.02.1010", "3576021507880123", SelfReportStatus.NEW)

    officer = browser.new_context(viewport=TABLET).new_page()
    log_in(officer, demo_site.url, "kel.wates")
    officer.goto(f"{demo_site.url}/registri/verifikasi/")
    assert serious_violations(officer) == []
    officer.locator("#self-reports").get_by_role("link", name=report.reference).click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text(report.reference)
    assert serious_violations(officer) == []
    officer.locator("a[href$='/orang-baru/']").click()
    expect(officer.locator("#id_orang-full_name")).to_have_value("Joko Prasetyo")
    expect(officer.locator("#id_orang-nik")).to_have_value("3576021507880123")
    expect(officer.locator("input[name=disabilitas-types][value=fisik]")).to_be_checked()
    assert serious_violations(officer) == []
    officer.select_option("#id_orang-relationship", "anak")
    officer.select_option("#id_disabilitas-wg_walking", "4")
    officer.locator("form.og-form button[type=submit]").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Joko Prasetyo")
    assert serious_violations(officer) == []
    person = Person.objects.get(nik="3576021507880123")
    assert person.status == VerificationStatus.DRAFT and person.disability.types == ["fisik"]
    report.refresh_from_db()
    assert (report.status, report.person) == (SelfReportStatus.PROCESSED, person)
    officer.locator("form[action*='/ajukan/'] button").click()
    expect(officer.locator(".og-status-submitted").first).to_be_visible()
