"""A resident stops the messages from the status page (ticket and phone checked again) and no more
go to that phone; a phone gets at most RESIDENT_MESSAGES_DAILY_CAP messages a Jakarta day, the rest
held with the reason and sent the next day."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import services as complaint_services
from complaints.models import Status
from notices import services
from notices.models import Message, MessageStatus, OptOut
from tests.notices.conftest import desk_complaint

pytestmark = pytest.mark.django_db
STATUS = reverse("complaints-public:status")
STOP = reverse("complaints-public:stop")


def test_the_status_page_offers_and_records_the_opt_out(client, users, sending, provider):
    complaint = sending(lambda: desk_complaint(users["loket"]))
    # The link in the message fills the ticket in.
    assert client.get(f"{STATUS}?tiket={complaint.ticket_number}").context["form"]["ticket"].value() == (
        complaint.ticket_number
    )
    page = client.post(STATUS, {"ticket": complaint.ticket_number, "phone": "0812 3456 7890"})
    html = page.content.decode()
    assert page.context["updates"] == {"channel": "WhatsApp", "phone": "0812****7890", "opted_out": False}
    assert STOP in html and "081234567890" not in html.replace("0812 3456 7890", "")
    # A wrong phone stops nothing.
    assert client.post(STOP, {"ticket": complaint.ticket_number, "phone": "0812 0000 0000"}).status_code == 404
    assert not OptOut.objects.exists()
    stopped = client.post(STOP, {"ticket": complaint.ticket_number, "phone": "0812 3456 7890"})
    assert stopped.status_code == 200 and stopped.context["stopped"]
    assert (OptOut.objects.get().phone, OptOut.objects.get().source) == ("081234567890", "halaman status")
    again = client.post(STATUS, {"ticket": complaint.ticket_number, "phone": "0812 3456 7890"})
    assert again.context["updates"]["opted_out"] and STOP not in again.content.decode()
    # No more messages to this phone: finishing the complaint queues a cancelled row, sends nothing.
    sending(
        lambda: complaint_services.complaint_change_status(
            complaint, to_status=Status.RESOLVED, note="Selesai.", acting_user=users["loket"]
        )
    )
    assert Message.objects.get(event="selesai").status == MessageStatus.CANCELLED
    assert len(provider.posts) == 1


def test_an_opt_out_cancels_what_waits_and_a_new_consent_lifts_it(users, provider):
    desk_complaint(users["loket"])  # queued, not sent yet (no commit)
    services.opt_out("+62 812 3456 7890", source="balasan STOP")
    waiting = Message.objects.get()
    assert waiting.status == MessageStatus.CANCELLED and waiting.reason
    assert services.send(waiting.pk) == "nothing to do" and provider.posts == []
    desk_complaint(users["loket"])  # the resident agrees again at the desk
    assert not OptOut.objects.exists()
    assert Message.objects.order_by("-pk").first().status == MessageStatus.QUEUED


def test_a_phone_gets_at_most_the_daily_cap_and_the_rest_is_held_for_the_next_day(
    users, sending, provider, settings, django_capture_on_commit_callbacks
):
    settings.RESIDENT_MESSAGES_DAILY_CAP = 2
    for _ in range(3):
        sending(lambda: desk_complaint(users["loket"]))
    statuses = list(Message.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [MessageStatus.SENT, MessageStatus.SENT, MessageStatus.HELD]
    held = Message.objects.get(status=MessageStatus.HELD)
    assert "2" in held.reason and len(provider.posts) == 2
    # Held until the start of the next day in Jakarta, not lost.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert timezone.localtime(held.due_at) == timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time()))
    assert services.sweep()["released"] == 0  # still today
    # Another phone is not held by this one's cap.
    sending(lambda: desk_complaint(users["loket"], phone="0857 1111 2222"))
    assert Message.objects.order_by("-pk").first().status == MessageStatus.SENT
    # The next day (the day's messages were yesterday's by then) the sweep releases it and it goes.
    yesterday = timezone.now() - datetime.timedelta(days=1)
    Message.objects.exclude(pk=held.pk).update(claimed_at=yesterday)
    Message.objects.filter(pk=held.pk).update(due_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep()["released"] == 1
    held.refresh_from_db()
    assert held.status == MessageStatus.SENT and len(provider.posts) == 4


@pytest.mark.django_db(transaction=True)
def test_two_workers_cannot_both_take_the_last_place_of_the_day(users, provider, settings):
    """Two messages to one phone, one place left in the day: worker A has claimed the first and not
    committed yet when worker B claims the second. B waits for A (the count is taken under a lock on
    the phone) and then finds the day full: the second message is held, not sent beyond the cap."""
    import threading
    import time

    from django.db import connection, transaction

    settings.RESIDENT_MESSAGES_DAILY_CAP = 1
    with transaction.atomic():
        desk_complaint(users["loket"])
        desk_complaint(users["loket"])
        # Due in an hour: a Celery worker of the test session given them after the commit leaves
        # them; the two workers below claim them an hour later.
        Message.objects.update(due_at=timezone.now() + datetime.timedelta(hours=1))
    later = timezone.now() + datetime.timedelta(hours=1, seconds=1)
    first, second = Message.objects.order_by("pk").values_list("pk", flat=True)
    a_claimed, b_done, results = threading.Event(), threading.Event(), {}

    def worker_a():
        try:
            with transaction.atomic():  # A's claim stays uncommitted while B tries
                results["a"] = services.claim(first, now=later)
                a_claimed.set()
                b_done.wait(timeout=1)  # B is blocked on the phone's lock meanwhile
                results["b_finished_before_a_committed"] = b_done.is_set()
        finally:
            connection.close()

    def worker_b():
        try:
            a_claimed.wait(timeout=10)
            results["b"] = services.claim(second, now=later)
            b_done.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker_a), threading.Thread(target=worker_b)]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    assert results["a"] is not None and results["b"] is None
    assert not results["b_finished_before_a_committed"]
    assert dict(Message.objects.values_list("pk", "status")) == {
        first: MessageStatus.SENDING,
        second: MessageStatus.HELD,
    }
