"""The messages' templates: seeded in Indonesian, edited by administrators in the admin, checked on
save (syntax, only the four variables and {% if %}, length), and what the resident receives."""

import pytest
from django.urls import reverse

from notices.models import Message, MessageTemplate
from tests.notices.conftest import desk_complaint

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_one_indonesian_template_per_event():
    bodies = dict(MessageTemplate.objects.values_list("event", "body"))
    assert set(bodies) == {"diterima", "dirujuk", "selesai", "ditutup"}
    assert "Pengaduan Anda sudah kami terima" in bodies["diterima"] and "STOP" in bodies["diterima"]


def test_an_administrator_edits_a_template_and_the_next_message_uses_it(users, client_for, sending, provider):
    template = MessageTemplate.objects.get(event="diterima")
    url = reverse("admin:notices_messagetemplate_change", args=[template.pk])
    client = client_for(users["admin"])
    page = client.get(url)
    assert page.status_code == 200 and "ADU-2026-000123" in page.content.decode()  # the preview
    body = "Dinsos: tiket {{ ticket }} diterima ({{ status|lower }}). {{ url }}"
    assert client.post(url, {"body": body}).status_code == 302
    complaint = sending(lambda: desk_complaint(users["loket"]))
    message = Message.objects.get()
    assert message.body == (
        f"Dinsos: tiket {complaint.ticket_number} diterima (baru). "
        f"/lapor/pengaduan/status/?tiket={complaint.ticket_number}"
    )
    assert provider.posts[0]["json"]["text"] == message.body


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("{% if note %}tanpa penutup", "endif"),  # not readable
        ("Halo {{ complainant_name }}, tiket {{ ticket }}", "complainant_name"),  # no other data
        ("{% load static %}{{ ticket }}", "static"),  # no tag library
        ("{% include 'base.html' %}", "include"),  # no file
        ("{% debug %}", "debug"),  # no context dump
        ("{{ ticket|safe }}", "safe"),
        ("{% if user.is_staff %}x{% endif %}", "user"),
        ("x" * 400, "306"),  # two SMS at most
    ],
)
def test_a_template_that_could_leak_or_break_is_refused_on_save(users, client_for, body, named):
    template = MessageTemplate.objects.get(event="diterima")
    before = template.body
    response = client_for(users["admin"]).post(
        reverse("admin:notices_messagetemplate_change", args=[template.pk]), {"body": body}
    )
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["adminform"].form.errors["body"])
    assert named in errors, errors
    template.refresh_from_db()
    assert template.body == before


def test_administrators_see_the_outbox_with_masked_phones(users, client_for, sending, provider):
    sending(lambda: desk_complaint(users["loket"]))
    page = client_for(users["admin"]).get(reverse("admin:notices_message_changelist")).content.decode()
    assert "0812****7890" in page and "081234567890" not in page


def test_the_outbox_calls_the_ticket_number_a_ticket_number_not_a_referral(users, client_for, sending, provider):
    """In the portal "rujukan" is a referral; the outbox and the consents hold the complaint's
    ticket number ("rujukan nomor" read as a referral number)."""
    sending(lambda: desk_complaint(users["loket"]))
    client = client_for(users["admin"])
    for name in ("admin:notices_message_changelist", "admin:notices_consent_changelist"):
        page = client.get(reverse(name)).content.decode()
        assert "Nomor tiket" in page and "ujukan nomor" not in page, name


def test_real_messages_without_the_portal_address_are_a_configuration_error(settings):
    """The messages' link to the status page is PORTAL_URL + the path: without it a resident gets
    "/lapor/pengaduan/status/?tiket=…", which no phone opens. The console gateway (development)
    may go without; a real gateway may not."""
    from notices.checks import portal_address_for_messages

    settings.RESIDENT_MESSAGES_GATEWAY, settings.PORTAL_URL = "console", ""
    assert portal_address_for_messages(None) == []
    settings.RESIDENT_MESSAGES_GATEWAY = "http"
    (error,) = portal_address_for_messages(None)
    assert error.id == "notices.E001" and "PORTAL_URL" in error.msg
    settings.PORTAL_URL = "https://onegate.example.go.id"
    assert portal_address_for_messages(None) == []
