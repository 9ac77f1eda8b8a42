"""Sent once through real Celery worker processes on the real Redis, with a real celery beat: the
worker sending a message is killed (SIGKILL) while the provider has taken it but not answered; the
beat's sweep takes the message back after the claim timeout and another worker sends it again with
the same Idempotency-Key, so the provider delivers it once."""

import signal
import time

import pytest

from notices.models import Message, MessageStatus
from tests.notices.conftest import SECRET, desk_complaint
from tests.reports.test_outages import queue, start  # noqa: F401  (fixtures)

pytestmark = pytest.mark.celery


def wait_until(condition, seconds=60, what="the condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"{what} not reached within {seconds} s")


def test_a_message_whose_worker_is_killed_mid_send_is_sent_again_and_delivered_once(
    transactional_db,
    users,
    provider,
    start,  # noqa: F811
):
    from django.conf import settings

    gateway = {
        "RESIDENT_MESSAGES_GATEWAY": "http",
        "RESIDENT_MESSAGES_URL": settings.RESIDENT_MESSAGES_URL,
        "RESIDENT_MESSAGES_SECRET": SECRET,
        "RESIDENT_MESSAGES_CLAIM_TIMEOUT_SECONDS": 3,
        "JOBS_SWEEP_SECONDS": 1,
    }
    provider.hold_first = True
    doomed = start("worker", **gateway)
    complaint = desk_complaint(users["loket"])  # committed: its message goes to the worker
    message = Message.objects.get()
    wait_until(lambda: len(provider.posts) == 1, what="the first post")
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING and message.attempts == 1
    doomed.send_signal(signal.SIGKILL)  # killed while waiting for the provider's answer
    doomed.wait(timeout=30)
    killed_at = time.monotonic()
    start("worker", **gateway)
    start("beat", **gateway)
    wait_until(
        lambda: Message.objects.filter(pk=message.pk, status=MessageStatus.SENT).exists(),
        what="the message sent again",
    )
    print(f"\nsent again {time.monotonic() - killed_at:.1f} s after the worker was killed (claim timeout 3 s)")
    message.refresh_from_db()
    assert (message.attempts, message.provider_id) == (2, "prov-1")
    key = f"complaint:{complaint.pk}:diterima"
    assert [post["headers"]["idempotency-key"] for post in provider.posts] == [key, key]
    assert list(provider.delivered) == [key]  # delivered once
    time.sleep(3)  # the sweep keeps running: nothing more goes out
    assert len(provider.posts) == 2
