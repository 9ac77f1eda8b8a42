"""The provider's calls back: delivery receipts and residents' replies, accepted only when signed
with the shared secret and fresh; unsigned (401), badly signed or stale (403) ones are refused and
logged and change nothing."""

import json
import logging
import time

import pytest
from django.urls import reverse

from notices.models import Message, MessageStatus, OptOut
from tests.notices.conftest import SECRET, desk_complaint, signed

pytestmark = pytest.mark.django_db
URL = reverse("notices:provider-callback")


@pytest.fixture
def message(users, sending, provider):
    sending(lambda: desk_complaint(users["loket"]))
    return Message.objects.get()


def call(client, payload, **headers):
    return client.post(URL, json.dumps(payload).encode(), content_type="application/json", **headers)


def test_a_signed_receipt_marks_the_message_delivered(client, message):
    body = json.dumps({"provider_id": message.provider_id, "status": "delivered"}).encode()
    response = client.post(URL, body, content_type="application/json", **signed(body))
    assert response.status_code == 200 and response.json()["result"] == "diterima"
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED and message.delivered_at


def test_a_failure_receipt_by_key_records_the_providers_error(client, message):
    body = json.dumps({"key": message.key, "status": "failed", "error": "nomor tidak aktif"}).encode()
    assert client.post(URL, body, content_type="application/json", **signed(body)).status_code == 200
    message.refresh_from_db()
    assert (message.status, message.error) == (MessageStatus.FAILED, "nomor tidak aktif")


@pytest.mark.parametrize(
    ("headers", "expected", "reason"),
    [
        (lambda body: {}, 401, "unsigned"),
        (lambda body: signed(body, secret="rahasia-yang-salah"), 403, "bad"),
        (lambda body: signed(body + b" "), 403, "bad"),  # signed another body
        (lambda body: signed(body, at=time.time() - 3600), 403, "stale"),  # replayed an hour later
        (lambda body: {**signed(body), "HTTP_X_ONEGATE_TIMESTAMP": "kemarin"}, 403, "bad"),
    ],
)
def test_unsigned_badly_signed_or_stale_receipts_are_refused_and_logged(
    client, message, caplog, headers, expected, reason
):
    body = json.dumps({"provider_id": message.provider_id, "status": "delivered"}).encode()
    with caplog.at_level(logging.WARNING, logger="notices.views"):
        response = client.post(URL, body, content_type="application/json", **headers(body))
    assert response.status_code == expected and response.json() == {"error": reason}
    assert f"refused ({reason})" in caplog.text
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_without_a_configured_secret_every_call_is_refused(client, message, settings):
    settings.RESIDENT_MESSAGES_SECRET = ""
    body = json.dumps({"provider_id": message.provider_id, "status": "delivered"}).encode()
    headers = signed(body, secret=SECRET)
    assert client.post(URL, body, content_type="application/json", **headers).status_code == 403


def test_a_signed_but_meaningless_call_is_a_400(client, message):
    for payload in ({"status": "delivered"}, {"key": message.key, "status": "dibaca-kucing"}, [1, 2]):
        body = json.dumps(payload).encode()
        assert client.post(URL, body, content_type="application/json", **signed(body)).status_code == 400
    assert client.get(URL).status_code == 405


def test_a_reply_stop_opts_the_phone_out(client, message, users, sending, provider):
    body = json.dumps({"type": "inbound", "from": "+6281234567890", "text": " stop "}).encode()
    response = client.post(URL, body, content_type="application/json", **signed(body))
    assert response.json()["result"] == "opted out"
    assert OptOut.objects.get().phone == "081234567890"
    # The next complaint of the same phone without a new consent… (a new consent lifts it: see test_optout)
    complaint = message.topic_id
    from complaints import services as complaint_services
    from complaints.models import Complaint, Status

    sending(
        lambda: complaint_services.complaint_change_status(
            Complaint.objects.get(pk=complaint), to_status=Status.RESOLVED, note="Selesai.", acting_user=users["loket"]
        )
    )
    resolved = Message.objects.get(event="selesai")
    assert resolved.status == MessageStatus.CANCELLED and len(provider.posts) == 1
