"""A manager on a tablet checks an assessment waiting for verification: the verdict form is
accessible, a rejection without its reason is refused, with it the officer sees the reason on the
household page; another assessment is verified in one click."""

import pytest
from playwright.sync_api import expect

from assessments.models import Assessment
from registry.models import VerificationStatus
from tests.browser.test_roles import log_in, serious_violations
from tests.conftest import WATES

pytestmark = pytest.mark.browser
TABLET = {"width": 820, "height": 1180}


def test_a_manager_rejects_with_the_reason_and_verifies_on_a_tablet(demo_site, browser):
    waiting = Assessment.objects.get(region_id=WATES, status=VerificationStatus.SUBMITTED)
    page = browser.new_context(viewport=TABLET).new_page()
    log_in(page, demo_site.url, "manajer")
    page.goto(f"{demo_site.url}/asesmen/{waiting.pk}/")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Tolak").click()
    expect(page.get_by_role("alert")).to_contain_text("Isi alasannya")
    assert serious_violations(page) == []
    page.get_by_label("Alasan penolakan").fill("Kebutuhan anggota keluarga belum dinilai.")
    page.get_by_role("button", name="Tolak").click()
    expect(page.get_by_text("Asesmen ditolak")).to_be_visible()
    waiting.refresh_from_db()
    assert waiting.status == VerificationStatus.REJECTED

    officer = browser.new_context(viewport=TABLET).new_page()
    log_in(officer, demo_site.url, "kel.wates")
    officer.goto(demo_site.url + waiting.household.get_absolute_url())
    expect(officer.get_by_text("Kebutuhan anggota keluarga belum dinilai.").first).to_be_visible()
    assert officer.get_by_role("button", name="Verifikasi").count() == 0

    # The officer fixes and submits it again; the manager verifies it.
    from assessments import services

    services.assessment_submit(waiting, acting_user=waiting.assessor)
    page.goto(f"{demo_site.url}/asesmen/{waiting.pk}/")
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.get_by_text("Asesmen diverifikasi.")).to_be_visible()
    expect(page.get_by_text("Diverifikasi oleh")).to_be_visible()
    waiting.refresh_from_db()
    assert waiting.status == VerificationStatus.VERIFIED
