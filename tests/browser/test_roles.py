"""Each demo account logs in through the real form in chromium and sees its own navigation;
axe-core finds no serious or critical accessibility violation on the login and home pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from onegate.demo import DEFAULT_DEMO_PASSWORD

pytestmark = pytest.mark.browser

EXPECTED_NAV = {
    "admin": ["home", "directory", "regions", "audit", "admin"],
    "manajer": [
        "home",
        "people",
        "households",
        "household-new",
        "verification",
        "duplicates",
        "import",
        "complaints",
        "referrals",
        "unserved",
        "directory",
        "reports",
        "regions",
        "audit",
    ],
    "loket": [
        "home",
        "people",
        "households",
        "complaints",
        "complaint-new",
        "desk-queue",
        "referrals",
        "directory",
        "reports",
        "regions",
    ],
    "kel.wates": [
        "home",
        "people",
        "households",
        "household-new",
        "verification",
        "import",
        "complaints",
        "referrals",
        "unserved",
        "directory",
        "reports",
        "regions",
    ],
    "kel.kranggan": [
        "home",
        "people",
        "households",
        "household-new",
        "verification",
        "import",
        "complaints",
        "referrals",
        "unserved",
        "directory",
        "reports",
        "regions",
    ],
    "dinkes": ["home", "referral-inbox", "directory", "reports"],
    "disdukcapil": ["home", "referral-inbox", "directory", "reports"],
}
EXPECTED_SCOPE = {
    "kel.wates": "Wates",
    "kel.kranggan": "Kranggan",
    "dinkes": "Dinas Kesehatan",
    "manajer": "Kota Mojokerto",
}


# axe-core leaves some rules out by default (experimental); a crawl with them found this one on the
# person page: a control whose accessible name does not contain its visible text (voice control users
# say what they see).
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"label-content-name-mismatch": {"enabled": True}}}


def serious_violations(page) -> list[str]:
    results = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def click_menu(page, key):
    """Follow a main-menu entry as a person does: open the folded menu (tablet width) and the
    entry's drop-down group when it has one."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
    link = page.locator(f"[data-nav={key}]")
    group = page.locator(f"li.dropdown:has([data-nav={key}]) > [data-nav-group]")
    if group.count() and not link.is_visible():
        group.click()
    link.click()


def log_in(page, base_url, username):
    page.goto(f"{base_url}/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(DEFAULT_DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_the_login_page_is_accessible_and_explains_a_wrong_password(demo_site, page):
    page.goto(f"{demo_site.url}/akun/masuk/")
    expect(page).to_have_title("Masuk · OneGate")
    assert page.locator("html").get_attribute("lang") == "id"
    assert serious_violations(page) == []
    page.get_by_label("Nama pengguna").fill("loket")
    page.get_by_label("Kata sandi").fill("salah-sekali")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_title("Galat: Masuk · OneGate")
    expect(page.get_by_label("Nama pengguna")).to_have_value("loket")
    assert serious_violations(page) == []


@pytest.mark.parametrize("username", list(EXPECTED_NAV))
def test_each_demo_role_logs_in_and_sees_its_navigation(demo_site, page, username):
    log_in(page, demo_site.url, username)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
    nav = page.locator("[data-testid=main-nav] [data-nav]")
    assert [nav.nth(i).get_attribute("data-nav") for i in range(nav.count())] == EXPECTED_NAV[username]
    if username in EXPECTED_SCOPE:
        expect(page.get_by_test_id("role-line")).to_contain_text(EXPECTED_SCOPE[username])
    assert serious_violations(page) == []


def test_the_portal_works_with_the_keyboard_alone_at_tablet_width(demo_site, browser):
    context = browser.new_context(viewport={"width": 800, "height": 1100})
    page = context.new_page()
    page.goto(f"{demo_site.url}/akun/masuk/")
    expect(page.get_by_label("Nama pengguna")).to_be_focused()  # ready to type
    page.keyboard.type("manajer")
    page.keyboard.press("Tab")
    page.keyboard.type(DEFAULT_DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
    page.keyboard.press("Tab")  # the skip link comes first on every page
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    # At tablet width the menu folds behind a button that the keyboard opens.
    toggler = page.get_by_role("button", name="Tampilkan menu")
    toggler.focus()
    page.keyboard.press("Enter")
    audit_link = page.locator("[data-nav=audit]")
    expect(audit_link).to_be_visible()
    audit_link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jejak audit")
    assert serious_violations(page) == []
    context.close()


def test_english_can_be_chosen(demo_site, page):
    log_in(page, demo_site.url, "loket")
    page.get_by_label("Bahasa").select_option("en")
    page.get_by_role("button", name="Ganti").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    assert page.locator("html").get_attribute("lang") == "en"
