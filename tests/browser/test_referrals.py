"""Referrals in chromium: the service directory searched on a tablet; axe-core finds no serious or
critical violation on any referral page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from referrals.models import Service
from tests.browser.test_roles import log_in, serious_violations

pytestmark = pytest.mark.browser
TABLET = {"width": 820, "height": 1180}


def test_staff_search_the_service_directory_on_a_tablet(demo_site, browser):
    page = browser.new_context(viewport=TABLET).new_page()
    log_in(page, demo_site.url, "dinkes")
    page.goto(demo_site.url + reverse("referrals:directory"))
    assert serious_violations(page) == []
    page.locator("#id_q").fill("kursi roda")
    page.locator("#id_q").press("Enter")
    expect(page.locator("#directory-results article")).to_have_count(1)
    expect(page.locator("#directory-results")).to_contain_text("alat bantu disabilitas")
    assert "q=kursi%20roda" in page.url  # the search is in the address, so it can be shared and reloaded
    assert serious_violations(page) == []
    page.locator("#id_category").select_option("adminduk")  # a select refreshes the results by itself
    expect(page.locator("#directory-results")).to_contain_text("No service matches")
    page.locator("#id_q").fill("")
    page.locator("#id_q").press("Enter")
    expect(page.locator("#directory-results article")).to_have_count(Service.objects.filter(category="adminduk").count())
    page.locator("#directory-results article a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(Service.objects.filter(category="adminduk").order_by("agency__name", "name").first().name)
    assert serious_violations(page) == []
