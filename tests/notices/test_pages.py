"""The complaint page shows its messages to the staff who see the complaint: status of each, the
phone masked; other kelurahan and agencies see none."""

import pytest
from django.urls import reverse

from tests.notices.conftest import desk_complaint

pytestmark = pytest.mark.django_db


def test_the_complaint_page_lists_its_messages_with_the_phone_masked(users, client_for, sending, provider):
    complaint = sending(lambda: desk_complaint(users["loket"], channel="sms"))
    for username in ("loket", "manajer", "kel.wates"):
        page = client_for(users[username]).get(reverse("complaints:detail", args=[complaint.pk]))
        html = page.content.decode()
        assert "complaint-messages-title" in html, username
        assert "0812****7890" in html and "og-message-terkirim" in html


def test_other_kelurahan_and_agencies_see_no_messages(users, client_for, sending, provider):
    from notices.apps import complaint_messages

    complaint = sending(lambda: desk_complaint(users["loket"]))
    assert complaint_messages(users["kel.kranggan"], complaint)["messages"] == []
    assert complaint_messages(users["kel.kranggan"], complaint)["consent"] is None
    assert complaint_messages(users["dinkes"], complaint) is None
    assert client_for(users["kel.kranggan"]).get(reverse("complaints:detail", args=[complaint.pk])).status_code == 404


def test_a_complaint_without_consent_says_so(users, client_for):
    complaint = desk_complaint(users["loket"], channel="")
    html = client_for(users["loket"]).get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "complaint-messages-title" in html and "og-message-" not in html


def test_the_complaint_page_says_when_the_resident_stopped_the_messages(users, client_for, sending, provider):
    """After a STOP (reply or status page) the staff must not read "agreed to updates" alone: no
    more messages go to that phone."""
    from notices import services

    complaint = sending(lambda: desk_complaint(users["loket"], channel="sms"))
    url = reverse("complaints:detail", args=[complaint.pk])
    assert 'id="messages-stopped"' not in client_for(users["manajer"]).get(url).content.decode()
    services.opt_out_topic("complaint", complaint.pk, source="halaman status")
    html = client_for(users["manajer"]).get(url).content.decode()
    assert 'id="messages-stopped"' in html
    assert "Dihentikan oleh pelapor lewat halaman status pada" in html
    assert "081234567890" not in html
