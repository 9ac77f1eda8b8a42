"""Duplicate review in chromium: the manager finds the demo data's likely duplicates, compares a
pair side by side and merges it; axe-core finds no serious or critical violation on either page."""

import re

import pytest
from playwright.sync_api import expect

from registry.demo import DEMO_DUPLICATES
from registry.models import Person
from tests.browser.test_roles import log_in, serious_violations

pytestmark = pytest.mark.browser
TABLET = {"width": 820, "height": 1180}


def test_a_manager_compares_a_likely_duplicate_and_merges_it(demo_site, browser):
    page = browser.new_context(viewport=TABLET).new_page()
    log_in(page, demo_site.url, "manajer")
    expect(page.locator("[data-nav=duplicates]")).to_have_count(1)
    page.goto(f"{demo_site.url}/registri/duplikat/")
    rows = page.locator("#duplicate-pairs tbody tr")
    expect(rows).to_have_count(DEMO_DUPLICATES)
    assert serious_violations(page) == []

    first = rows.first
    name_b = first.locator("td").nth(1).inner_text().split(" #")[0]
    first.locator("a[href*='/registri/duplikat/']").click()
    expect(page).to_have_url(re.compile(r"/registri/duplikat/\d+/\d+/$"))
    a_pk, b_pk = (int(n) for n in page.url.rstrip("/").split("/")[-2:])
    expect(page.locator("#compare-fields tr.og-differs[data-field=full_name]")).to_contain_text(name_b)
    assert serious_violations(page) == []

    page.locator("#survivor-a").check()
    page.locator("#compare-fields tr[data-field=full_name] input[value=b]").check()  # B's spelling is the right one
    page.locator("#merge-form button[type=submit]").click()
    expect(page).to_have_url(f"{demo_site.url}/registri/orang/{a_pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(name_b)
    expect(page.locator("#merged-title")).to_be_visible()
    assert serious_violations(page) == []
    assert Person.objects.get(pk=b_pk).merged_into_id == a_pk
    assert Person.objects.get(pk=a_pk).full_name == name_b

    page.goto(f"{demo_site.url}/registri/orang/{b_pk}/")
    expect(page).to_have_url(f"{demo_site.url}/registri/orang/{a_pk}/")
    page.goto(f"{demo_site.url}/registri/duplikat/")
    expect(rows).to_have_count(DEMO_DUPLICATES - 1)
