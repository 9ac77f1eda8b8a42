"""Duplicate review in chromium: the manager finds the demo data's likely duplicates, compares a
pair side by side and merges it; axe-core finds no serious or critical violation on either page."""

import re

import pytest
from playwright.sync_api import expect

from registry.devdata.demo import DEMO_DUPLICATES
from registry.models import Person
from tests.browser.test_roles import log_in, serious_violations

pytestmark = pytest.mark.browser
TABLET = {"width": 820, "height": 1180}


def test_a_manager_compares_a_likely_duplicate_and_merges_it(demo_site, browser):
    page = browser.new_context(viewport=TABLET).new_page()
    log_in(page, demo_site.url, "manajer")
    expect(page.locator("[data-nav=duplicates]")).to_have_count(1)
    page.goto(f"{demo_site.url}/registri/duplikat/")
    table = page.locator("#duplicate-pairs")
    planted = list(Person.objects.filter(household__isnull=True).order_by("pk"))  # the demo's second registrations
    assert len(planted) == DEMO_DUPLICATES
    for person in planted:
        expect(table).to_contain_text(f"{person.full_name} #{person.pk}")
    rows = table.locator("tbody tr")
    listed = rows.count()
    assert serious_violations(page) == []

    row = rows.filter(has_text=f"#{planted[0].pk}")
    name_a = row.locator("td").nth(0).inner_text().split(" #")[0]
    row.locator("a[href*='/registri/duplikat/']").click()
    expect(page).to_have_url(re.compile(r"/registri/duplikat/\d+/\d+/$"))
    a_pk, b_pk = (int(n) for n in page.url.rstrip("/").split("/")[-2:])
    expect(page.locator("#compare-fields tr.og-differs[data-field=full_name]")).to_contain_text(name_a)
    assert serious_violations(page) == []

    page.locator("#survivor-b").check()  # the second registration stays, with the first one's spelling
    page.locator("#compare-fields tr[data-field=full_name] input[value=a]").check()
    page.locator("#merge-form button[type=submit]").click()
    expect(page).to_have_url(f"{demo_site.url}/registri/orang/{b_pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(name_a)
    expect(page.locator("#merged-title")).to_be_visible()
    assert serious_violations(page) == []
    assert Person.objects.get(pk=a_pk).merged_into_id == b_pk
    assert Person.objects.get(pk=b_pk).full_name == name_a

    page.goto(f"{demo_site.url}/registri/orang/{a_pk}/")
    expect(page).to_have_url(f"{demo_site.url}/registri/orang/{b_pk}/")
    page.goto(f"{demo_site.url}/registri/duplikat/")
    expect(rows).to_have_count(listed - 1)
