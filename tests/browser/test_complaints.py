"""Complaint desk in chromium: the loket officer records a walk-in with the keyboard alone and
gets the receipt; axe-core finds no serious or critical violation on any complaint page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from complaints.models import Complaint
from notices.models import Consent
from registry.models import Person
from tests.browser.test_roles import log_in, serious_violations

pytestmark = pytest.mark.browser
TABLET = {"width": 820, "height": 1180}


def test_the_desk_records_a_walk_in_with_the_keyboard_alone(demo_site, browser):
    person = (
        Person.objects.filter(region_id="35.76.02.1010", merged_into__isnull=True, nik__isnull=False)
        .order_by("pk")
        .first()
    )
    page = browser.new_context(viewport=TABLET).new_page()
    log_in(page, demo_site.url, "loket")
    page.goto(f"{demo_site.url}{reverse('complaints:create')}")
    assert serious_violations(page) == []
    page.locator("#id_channel").focus()
    page.keyboard.press("Tab")  # anonymous box
    page.keyboard.press("Tab")
    page.keyboard.type("Siti Aminah")
    page.keyboard.press("Tab")
    page.keyboard.type("081234567890")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # relation: the first choice
    page.keyboard.press("Tab")
    expect(page.locator("#id_updates")).to_be_focused()  # updates by SMS/WhatsApp: she agrees
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the channel: WhatsApp, chosen already
    page.keyboard.press("Tab")
    expect(page.locator("#subject-query")).to_be_focused()
    page.keyboard.type(person.nik)
    radio = page.locator(f"#subject-{person.pk}")
    expect(radio).to_be_visible()
    page.keyboard.press("Tab")
    expect(radio).to_be_focused()
    expect(page.locator("#id_subject_name")).to_be_visible()
    page.keyboard.press("Space")
    expect(radio).to_be_checked()
    # The person is in the registry: the fields for registering a new one go away.
    expect(page.locator("#id_subject_name")).to_be_hidden()
    expect(page.locator("#id_register_subject")).to_be_hidden()
    page.keyboard.press("Tab")
    expect(page.locator("#id_category")).to_be_focused()  # straight on to the complaint
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.locator("#id_description").focus()
    page.keyboard.type("Kartu BPJS tidak aktif ketika berobat ke puskesmas.")
    page.keyboard.press("Tab")  # attachments
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Simpan dan tampilkan tanda terima")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tanda terima pengaduan")
    complaint = Complaint.objects.order_by("-pk").first()
    assert complaint.subject == person and complaint.created_by.username == "loket"
    consent = Consent.objects.get(topic="complaint", topic_id=complaint.pk)
    assert (consent.phone, consent.channel) == ("081234567890", "whatsapp")
    expect(page.locator(".ticket")).to_have_text(complaint.ticket_number)
    assert serious_violations(page) == []


def test_every_complaint_page_is_accessible(demo_site, browser):
    complaint = Complaint.objects.filter(attachments__isnull=True, status="asesmen").order_by("pk").first()
    pages = {
        "loket": [
            reverse("complaints:list"),
            reverse("complaints:list") + "?sla=terlambat",
            reverse("complaints:queue"),
            reverse("complaints:create"),
            complaint.get_absolute_url(),
            reverse("complaints:receipt", args=[complaint.pk]),
        ],
        "manajer": [complaint.get_absolute_url(), reverse("complaints:list") + "?status=baru"],
        "kel.wates": [reverse("complaints:list")],
    }
    for username, urls in pages.items():
        page = browser.new_context(viewport=TABLET).new_page()
        log_in(page, demo_site.url, username)
        for url in urls:
            assert page.goto(demo_site.url + url).status == 200, url
            assert serious_violations(page) == [], url
    # Pages showing errors: an empty intake, an empty closing reason.
    page = browser.new_context(viewport=TABLET).new_page()
    log_in(page, demo_site.url, "loket")
    page.goto(demo_site.url + reverse("complaints:create"))
    page.get_by_role("button", name="Simpan dan tampilkan tanda terima").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert serious_violations(page) == []
    manager = browser.new_context(viewport=TABLET).new_page()
    log_in(manager, demo_site.url, "manajer")
    manager.goto(demo_site.url + complaint.get_absolute_url())
    manager.select_option("#id_to_status", "ditutup")
    manager.locator("form[action$='/status/'] button[type=submit]").click()
    expect(manager.locator(".invalid-feedback").first).to_be_visible()
    assert serious_violations(manager) == []


def test_a_resident_checks_the_status_on_a_phone(demo_site, browser):
    complaint = Complaint.objects.exclude(complainant_phone="").order_by("pk").first()
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(demo_site.url + reverse("complaints-public:status"))
    assert serious_violations(page) == []
    page.get_by_label("Nomor tiket").fill(complaint.ticket_number)
    page.get_by_label("Nomor telepon yang diberikan saat melapor").fill("081200000000")
    page.get_by_role("button", name="Periksa").click()
    expect(page.locator("#not-found")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Nomor telepon yang diberikan saat melapor").fill(complaint.complainant_phone)
    page.get_by_role("button", name="Periksa").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(complaint.ticket_number)
    expect(page.locator("main")).to_contain_text(complaint.get_status_display())
    assert serious_violations(page) == []


def test_a_resident_submits_a_complaint_online_on_a_phone(demo_site, browser, settings):
    settings.PUBLIC_FORM_MIN_SECONDS = 0  # the robot types faster than any person
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{demo_site.url}/akun/masuk/")
    page.get_by_role("link", name="Sampaikan pengaduan").click()
    assert serious_violations(page) == []
    page.get_by_label("Nama Anda").fill("Bu Warsini")
    page.get_by_label("Nomor telepon atau WhatsApp Anda").fill("0813 2222 3333")
    page.get_by_label("Siapa yang diadukan?").select_option("tetangga")
    page.get_by_label("Nama orang yang diadukan").fill("Mbah Kromo")
    page.get_by_label("Kelurahan/desa tempat orang itu tinggal").select_option("35.76.02.1010")
    page.locator("#id_category").select_option(label="ODGJ")
    page.get_by_label("Uraian").fill("Lansia tinggal sendiri dan tidak ada yang merawat.")
    page.get_by_role("button", name="Kirim pengaduan").click()  # consent and the sum still missing
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert serious_violations(page) == []
    expect(page.get_by_label("Uraian")).to_have_value("Lansia tinggal sendiri dan tidak ada yang merawat.")
    page.locator("#id_consent").check()
    label = page.locator("label[for=id_challenge_answer]").inner_text()
    a, b = [int(n) for n in __import__("re").findall(r"\d+", label)[:2]]
    page.locator("#id_challenge_answer").fill(str(a + b))
    page.get_by_role("button", name="Kirim pengaduan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pengaduan diterima")
    complaint = Complaint.objects.get(channel="online", subject_name="Mbah Kromo")
    expect(page.locator("#ticket")).to_have_text(complaint.ticket_number)
    assert serious_violations(page) == []
