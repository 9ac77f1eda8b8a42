"""The outbox: each event of a complaint queues exactly one message; the real http gateway posts it
signed to a provider on a local port; it is sent once across a worker that died mid-send and a
Redis that lost the message; failures are retried with backoff, then failed with the reason."""

import datetime
import hashlib
import hmac

import pytest
from django.utils import timezone

from complaints import services as complaint_services
from complaints.models import Status
from notices import services
from notices.models import Message, MessageStatus
from notices.tasks import sweep_messages
from referrals import services as referral_services
from tests.notices.conftest import SECRET, desk_complaint
from tests.outage import redis_stopped
from tests.referrals.conftest import draft
from tests.referrals.factories import service_with_details

pytestmark = pytest.mark.django_db


def test_each_event_queues_exactly_one_message(users, dinkes, sending, provider):
    loket = users["loket"]
    complaint = sending(lambda: desk_complaint(loket))
    referral = draft(loket, service_with_details(dinkes, "Pendaftaran PBI-JK"), complaint=complaint)
    sending(lambda: referral_services.referral_send(referral, acting_user=loket))
    sending(
        lambda: complaint_services.complaint_change_status(
            complaint, to_status=Status.RESOLVED, note="Kartu PBI aktif kembali.", acting_user=loket
        )
    )
    keys = list(Message.objects.order_by("pk").values_list("key", "event", "status"))
    assert [(k.split(":")[2], e, s) for k, e, s in keys] == [
        ("diterima", "diterima", "terkirim"),
        ("dirujuk", "dirujuk", "terkirim"),
        ("selesai", "selesai", "terkirim"),
    ]
    assert keys[1][0] == f"complaint:{complaint.pk}:dirujuk:{referral.pk}"
    texts = [post["json"]["text"] for post in provider.posts]
    assert len(texts) == 3
    assert "dirujuk" in texts[1] and "Dirujuk" in texts[1]
    assert "Kartu PBI aktif kembali." in texts[2]  # the public note
    # Told again (a double call): still one row each, nothing sent twice.
    for key, event, _status in keys:
        again = services.queue(topic="complaint", topic_id=complaint.pk, event=event, key=key, values={"ticket": "x"})
        assert again.key == key
    assert Message.objects.count() == 3 and len(provider.posts) == 3


def test_a_closed_complaint_tells_the_reason_only_when_the_note_is_public(users, sending, provider):
    complaint = sending(lambda: desk_complaint(users["loket"]))
    sending(
        lambda: complaint_services.complaint_change_status(
            complaint,
            to_status=Status.CLOSED,
            note="Catatan internal petugas.",
            is_public=False,
            acting_user=users["loket"],
        )
    )
    closed = Message.objects.get(event="ditutup")
    assert "Catatan internal" not in closed.body and complaint.ticket_number in closed.body


def test_the_http_gateway_signs_what_it_posts(users, sending, provider):
    complaint = sending(lambda: desk_complaint(users["loket"]))
    (post,) = provider.posts
    headers, body = post["headers"], post["body"]
    expected = hmac.new(SECRET.encode(), headers["x-onegate-timestamp"].encode() + b"." + body, hashlib.sha256)
    assert headers["x-onegate-signature"] == f"sha256={expected.hexdigest()}"
    assert abs(int(headers["x-onegate-timestamp"]) - timezone.now().timestamp()) < 30
    assert headers["idempotency-key"] == f"complaint:{complaint.pk}:diterima"
    assert post["json"] == {
        "key": f"complaint:{complaint.pk}:diterima",
        "channel": "whatsapp",
        "to": "+6281234567890",
        "text": Message.objects.get().body,
    }
    message = Message.objects.get()
    assert (message.status, message.provider_id, message.attempts) == (MessageStatus.SENT, "prov-1", 1)


def test_a_message_claimed_by_a_worker_that_died_is_taken_back_and_sent_once(
    users, sending, provider, eager, settings, django_capture_on_commit_callbacks
):
    # The complaint is recorded but its message never reaches a worker (as if Redis dropped it).
    complaint = desk_complaint(users["loket"])
    message = Message.objects.get()
    # A worker claims it, posts it to the provider… and is killed before recording the answer.
    dead = services.claim(message.pk)
    from notices import gateways

    gateways.gateway().send(gateways.Outgoing(dead.key, dead.channel, dead.phone, dead.body))
    Message.objects.filter(pk=message.pk).update(claimed_at=timezone.now() - datetime.timedelta(minutes=10))
    # A new Celery message for it (repeated) does nothing: the row is claimed.
    assert services.send(message.pk) == "nothing to do"
    # The sweep (beat) takes it back and sends it again, under the same key.
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_messages.delay().get() == {"resent": 0, "released": 0, "taken_back": 1, "failed": 0}
    message.refresh_from_db()
    assert (message.status, message.attempts, message.provider_id) == (MessageStatus.SENT, 2, "prov-1")
    keys = [post["headers"]["idempotency-key"] for post in provider.posts]
    assert keys == [f"complaint:{complaint.pk}:diterima"] * 2
    assert len(provider.delivered) == 1  # the provider dropped the repeat: the resident got it once
    # The dead worker's claim no longer matches: its late answer cannot change the row.
    assert not Message.objects.filter(pk=message.pk, claim=dead.claim).exists()
    # And nothing more to do for anyone.
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_messages.delay().get() == {"resent": 0, "released": 0, "taken_back": 0, "failed": 0}
    assert services.send(message.pk) == "nothing to do" and len(provider.posts) == 2


def test_a_message_redis_lost_is_sent_by_the_sweep(
    users, provider, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.JOBS_RESEND_SECONDS = 0
    with redis_stopped():
        # Recorded while Redis is down: the publish fails (logged), the row stays queued.
        with django_capture_on_commit_callbacks(execute=True):
            complaint = desk_complaint(users["loket"])
        message = Message.objects.get()
        assert message.status == MessageStatus.QUEUED and provider.posts == []
    # Redis is back; beat runs the sweep, which publishes it to a worker (eager here).
    from onegate.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_messages.delay().get()["resent"] == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and len(provider.posts) == 1
    assert provider.posts[0]["json"]["key"] == f"complaint:{complaint.pk}:diterima"


def test_a_failed_try_is_retried_with_backoff_then_failed_with_the_reason(
    users, sending, provider, settings, django_capture_on_commit_callbacks
):
    settings.RESIDENT_MESSAGES_MAX_ATTEMPTS = 3
    settings.RESIDENT_MESSAGES_BACKOFF_SECONDS = 30
    provider.answers.extend([503, 503, 503])
    sending(lambda: desk_complaint(users["loket"]))
    message = Message.objects.get()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert "503" in message.error
    first_delay = (message.due_at - timezone.now()).total_seconds()
    assert 25 < first_delay <= 30
    # Not before it is due: a Celery message arriving early does nothing.
    assert services.send(message.pk) == "nothing to do"
    Message.objects.filter(pk=message.pk).update(due_at=timezone.now())
    assert services.send(message.pk) == "retry"
    message.refresh_from_db()
    assert message.attempts == 2 and 55 < (message.due_at - timezone.now()).total_seconds() <= 60  # doubled
    Message.objects.filter(pk=message.pk).update(due_at=timezone.now())
    assert services.send(message.pk) == "failed"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 3) and "503" in message.error
    assert len(provider.posts) == 3


def test_a_message_the_provider_refuses_is_failed_at_once(users, sending, provider):
    provider.answers.append(422)
    sending(lambda: desk_complaint(users["loket"]))
    message = Message.objects.get()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1) and "422" in message.error


def test_the_sweep_does_not_resend_a_message_queued_a_moment_ago(users, provider, settings):
    settings.JOBS_RESEND_SECONDS = 60
    desk_complaint(users["loket"])  # its Celery message is on its way (not run: no commit here)
    assert services.sweep()["resent"] == 0
    later = timezone.now() + datetime.timedelta(seconds=61)
    assert services.sweep(now=later)["resent"] == 1
    assert services.sweep(now=later)["resent"] == 0  # sent again just now: not again at once
    assert Message.objects.get().status == MessageStatus.QUEUED
