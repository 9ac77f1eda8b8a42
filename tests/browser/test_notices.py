"""The resident hears back, in chromium: the desk records a walk-in whose complainant agrees to
WhatsApp updates, the message shows (status, masked phone) on the complaint page, the online form
offers the same, and the resident stops the messages from the status page. Screenshots at 820 and
1280 px go to $ONEGATE_SHOTS when it is set."""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from complaints.models import Complaint
from notices.models import Message, MessageStatus, OptOut
from registry.models import Person
from tests.browser.test_roles import log_in, serious_violations

pytestmark = pytest.mark.browser
WIDTHS = (820, 1280)


def shot(page, name):
    folder = os.environ.get("ONEGATE_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}-{page.viewport_size['width']}.png", full_page=True)


@pytest.fixture
def eager(monkeypatch):
    from onegate.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_desk_records_consent_and_the_complaint_page_shows_the_message(demo_site, browser, eager, width):
    person = Person.objects.filter(region_id="35.76.02.1010", merged_into__isnull=True).order_by("pk").first()
    page = browser.new_context(viewport={"width": width, "height": 1100}).new_page()
    log_in(page, demo_site.url, "loket")
    page.goto(f"{demo_site.url}{reverse('complaints:create')}")
    page.get_by_label("Nama pelapor").fill("Siti Aminah")
    page.get_by_label("Telepon pelapor").fill("0812 3456 7890")
    page.get_by_label("Pelapor setuju menerima kabar perkembangan di nomor ini").check()
    page.get_by_label("SMS").check()
    shot(page, "desk-intake-consent")
    assert serious_violations(page) == []
    page.locator("#subject-query").fill(person.full_name)
    page.locator(f"#subject-{person.pk}").check()
    page.locator("#id_category").select_option(index=1)
    page.get_by_label("Uraian").fill("Kartu BPJS tidak aktif ketika berobat ke puskesmas.")
    page.get_by_role("button", name="Simpan dan tampilkan tanda terima").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tanda terima pengaduan")
    complaint = Complaint.objects.order_by("-pk").first()
    message = Message.objects.get(topic="complaint", topic_id=complaint.pk)
    assert (message.status, message.channel) == (MessageStatus.SENT, "sms")  # console gateway
    page.goto(demo_site.url + complaint.get_absolute_url())
    panel = page.locator("section[aria-labelledby=complaint-messages-title]")
    expect(panel).to_contain_text("0812****7890")
    expect(panel).to_contain_text("Pengaduan diterima")
    expect(panel).to_contain_text("Dikirim")
    assert "081234567890" not in panel.inner_text()
    panel.scroll_into_view_if_needed()
    shot(page, "complaint-detail-messages")
    assert serious_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_online_form_offers_updates(demo_site, browser, width):
    page = browser.new_context(viewport={"width": width, "height": 1100}).new_page()
    page.goto(demo_site.url + reverse("complaints-public:form"))
    page.get_by_label("Nomor telepon atau WhatsApp Anda").fill("0813 2222 3333")
    page.get_by_label("Kirimi saya kabar perkembangan di nomor ini").check()
    expect(page.get_by_role("radio", name="WhatsApp")).to_be_checked()
    shot(page, "online-form-consent")
    assert serious_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_resident_stops_the_messages_on_the_status_page(demo_site, browser, eager, width):
    from complaints import services
    from tests.complaints.factories import category

    complaint = services.complaint_create(
        data={
            "channel": "telepon",
            "complainant_name": "Siti Aminah",
            "complainant_phone": "0812 3456 7890",
            "category": category(),
            "description": "Kartu BPJS tidak aktif.",
            "subject": Person.objects.filter(merged_into__isnull=True).order_by("pk").first(),
        },
        acting_user=None,
        updates_channel="whatsapp",
    )
    page = browser.new_context(viewport={"width": width, "height": 1000}).new_page()
    # The link of the message: the ticket is filled in, the phone is typed.
    page.goto(f"{demo_site.url}{reverse('complaints-public:status')}?tiket={complaint.ticket_number}")
    expect(page.get_by_label("Nomor tiket")).to_have_value(complaint.ticket_number)
    page.get_by_label("Nomor telepon yang diberikan saat melapor").fill("0812 3456 7890")
    page.get_by_role("button", name="Periksa").click()
    expect(page.locator("#updates-state")).to_contain_text("WhatsApp")
    expect(page.locator("#updates-state")).to_contain_text("0812****7890")
    shot(page, "status-updates")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Hentikan pesan ke nomor ini").click()
    expect(page.locator("#updates-stopped")).to_be_visible()
    assert re.sub(r"\D", "", OptOut.objects.get().phone) == "081234567890"
    shot(page, "status-stopped")
    assert serious_violations(page) == []
