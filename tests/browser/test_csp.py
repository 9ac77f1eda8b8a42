"""The Content-Security-Policy in chromium: the main pages of each role load with no policy
violation and no script error, and what runs script still works under it: the menus, htmx's
searches, the household form's "Add a member" and the receipt's print button."""

import re

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint
from registry.models import Household, Person
from tests.browser.test_roles import log_in

pytestmark = pytest.mark.browser
# Each test seeds the demo data once (a quarter of a minute): the roles share one.
ROLES = ["manajer", "loket", "dinkes", "admin"]
PUBLIC_PAGES = ["/akun/masuk/", "/lapor/pengaduan/", "/lapor/pengaduan/status/", "/lapor/disabilitas/"]

# Reported by the page itself (the init script runs before the page's own, outside the policy).
RECORD = """
window.__problems = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__problems.push("CSP " + e.violatedDirective + " " + e.blockedURI);
});
window.print = function () { window.__printed = true; };
"""


def is_problem(message) -> bool:
    # The admin site's pages name no icon, so chromium asks for /favicon.ico and logs its 404.
    return message.type == "error" and not message.location["url"].endswith("/favicon.ico")


@pytest.fixture
def watched(browser):
    """``watched(width)``: a new page whose policy violations, console errors and script errors
    are collected in ``page.problems``."""
    contexts = []

    def open_page(width=1280):
        context = browser.new_context(viewport={"width": width, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.add_init_script(RECORD)
        page.problems = []
        page.on(
            "console",
            lambda m: page.problems.append(f"console: {m.text} {m.location['url']}") if is_problem(m) else None,
        )
        page.on("pageerror", lambda e: page.problems.append(f"script error: {e}"))
        page.on("response", lambda r: page.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        return page

    yield open_page
    for context in contexts:
        context.close()


def visit(page, url):
    page.goto(url)  # waits for the load event: the deferred scripts and htmx's start have run
    page.problems += page.evaluate("window.__problems")


def menu_urls(page):
    links = page.locator("[data-testid=main-nav] [data-nav]")
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


def test_the_main_pages_of_each_role_break_no_policy(demo_site, watched):
    for username in ROLES:
        page = watched()
        log_in(page, demo_site.url, username)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
        for url in menu_urls(page) + extra_pages(username):
            visit(page, demo_site.url + url)
            assert page.problems == [], (username, url, page.problems)


def extra_pages(username) -> list[str]:
    pages = ["/akun/kata-sandi/", "/notifikasi/"]
    if username == "manajer":
        person = Person.objects.filter(merged_into=None).first()
        pages += [person.get_absolute_url(), Household.objects.first().get_absolute_url()]
    if username == "loket":
        pages += [Complaint.objects.first().get_absolute_url()]
    if username == "admin":
        pages += ["/admin/accounts/user/", "/admin/accounts/user/add/"]
    return pages


def test_what_runs_script_works_under_the_policy(demo_site, watched):
    public = watched(820)
    for url in PUBLIC_PAGES:
        visit(public, demo_site.url + url)
    assert public.problems == []

    page = watched(820)
    log_in(page, demo_site.url, "manajer")
    page.locator(".navbar-toggler").click()  # the folded menu at tablet width
    page.locator("[data-nav-group]").first.click()
    expect(page.locator(".dropdown-menu.show")).to_be_visible()
    visit(page, f"{demo_site.url}/registri/orang/")
    name = Person.objects.filter(merged_into=None, region__isnull=False).order_by("pk").first().full_name
    page.fill("#id_q", name)
    page.locator("form[role=search] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"[?&]q="))  # htmx pushed the search into the address
    expect(page.locator("#person-table")).to_contain_text(name)
    page.locator(".navbar-toggler").click()
    page.get_by_test_id("account-menu").click()
    expect(page.get_by_role("link", name="Ubah kata sandi")).to_be_visible()
    assert page.problems + page.evaluate("window.__problems") == []

    desk = watched(820)
    log_in(desk, demo_site.url, "loket")
    visit(desk, f"{demo_site.url}/pengaduan/baru/")
    person = Person.objects.filter(merged_into=None).order_by("pk").first()
    desk.fill("#subject-query", person.full_name.split()[0])
    expect(desk.locator("#person-results")).not_to_be_empty()
    visit(desk, f"{demo_site.url}/pengaduan/{Complaint.objects.first().pk}/tanda-terima/")
    desk.get_by_role("button", name="Cetak").click()
    assert desk.evaluate("window.__printed") is True
    assert desk.problems + desk.evaluate("window.__problems") == []

    officer = watched(820)
    log_in(officer, demo_site.url, "kel.wates")
    visit(officer, f"{demo_site.url}/registri/keluarga/baru/")
    officer.click("#add-member")
    expect(officer.locator("#id_anggota-1-nik")).to_be_focused()
    assert officer.problems + officer.evaluate("window.__problems") == []
