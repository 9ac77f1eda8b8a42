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
