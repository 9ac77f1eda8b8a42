"""axe-core on every registry page, empty and with form errors shown, as the officer and the
manager see them; and the PPKS and program actions on a person's page, keyboard only."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from registry.models import Household, Person, PersonPpks, PpksStatus, ProgramReceipt
from tests.browser.test_roles import log_in, serious_violations

pytestmark = pytest.mark.browser
TABLET = {"width": 820, "height": 1180}
WATES = "35.76.02.1010"


def _wates_person_with_records():
    person = (
        Person.objects.filter(region_id=WATES, household__isnull=False, merged_into__isnull=True).order_by("pk").first()
    )
    PersonPpks.objects.get_or_create(
        person=person, category_id=PersonPpks._meta.get_field("category").related_model.objects.get(code=4).pk
    )
    ProgramReceipt.objects.get_or_create(person=person, program="pkh", year=2025)
    return person


def test_every_registry_page_is_accessible(demo_site, browser):
    person = _wates_person_with_records()
    record = person.ppks.first()
    household = person.household
    pages = {
        "kel.wates": [
            reverse("registry:person-list"),
            reverse("registry:person-list") + "?q=zzzz-nobody",
            person.get_absolute_url(),
            reverse("registry:person-edit", args=[person.pk]),
            reverse("registry:person-profile-edit", args=[person.pk, "disabilitas"]),
            reverse("registry:person-profile-edit", args=[person.pk, "kesejahteraan"]),
            reverse("registry:ppks-add", args=[person.pk]),
            reverse("registry:ppks-edit", args=[person.pk, record.pk]),
            reverse("registry:program-add", args=[person.pk]),
            household.get_absolute_url(),
            reverse("registry:household-create"),
            reverse("registry:verification-queue"),
        ],
        "manajer": [
            reverse("registry:verification-queue"),
            reverse("registry:record-reject", args=["orang", person.pk]),
            reverse("registry:person-list") + f"?region={WATES}&status=submitted",
        ],
    }
    for username, urls in pages.items():
        page = browser.new_context(viewport=TABLET).new_page()
        log_in(page, demo_site.url, username)
        for url in urls:
            response = page.goto(demo_site.url + url)
            assert response.status == 200, url
            assert serious_violations(page) == [], url
            form = page.locator("main form[method=post]:not([action])").first
            if form.count() and url != reverse("registry:household-create"):
                # The same page showing errors: an emptied form posted as is.
                for field in form.locator("input[type=text], textarea").all():
                    field.fill("")
                form.locator("button[type=submit]").first.click()
                assert serious_violations(page) == [], f"{url} with errors"


def test_an_officer_closes_a_ppks_record_and_adds_a_program_with_the_keyboard(demo_site, browser):
    person = _wates_person_with_records()
    page = browser.new_context(viewport=TABLET).new_page()
    log_in(page, demo_site.url, "kel.wates")
    page.goto(demo_site.url + person.get_absolute_url())
    handled = page.get_by_role("button", name="tandai tertangani Anak Jalanan")
    handled.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".alert-success")).to_be_visible()
    assert PersonPpks.objects.get(person=person, category__code=4).status == PpksStatus.HANDLED

    page.get_by_role("link", name="tambah").first.click()  # programs received
    page.select_option("#id_program", "bpnt")
    page.fill("#id_year", "2026")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(person.full_name)
    assert ProgramReceipt.objects.filter(person=person, program="bpnt", year=2026).exists()
    assert Household.objects.filter(pk=person.household_id).exists()
