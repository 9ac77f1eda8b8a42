"""The desk intake sent twice (a double click, a slow link and a second tap, the back button) makes
one complaint and one ticket number (issue 16, double submit)."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, TicketCounter
from onegate import idempotency
from onegate.idempotency.models import Submission
from registry.models import Person
from tests.complaints.test_views import intake_post
from tests.conftest import WATES
from tests.factories import PersonFactory
from tests.idempotency import page_key


def intake_page_key(client) -> str:
    return page_key(client.get(reverse("complaints:create")))


def test_the_intake_form_carries_a_new_key_each_time(users, client_for):
    client = client_for(users["loket"])
    first, second = intake_page_key(client), intake_page_key(client)
    assert len(first) >= 32 and first != second


def test_the_same_intake_posted_twice_makes_one_complaint(users, client_for):
    client = client_for(users["loket"])
    data = intake_post(
        subject_name="Paijo", subject_region=WATES, subject_sex="L", submission_key=intake_page_key(client)
    )
    first = client.post(reverse("complaints:create"), data)
    again = client.post(reverse("complaints:create"), data, follow=True)

    complaint = Complaint.objects.get()
    assert Person.objects.filter(full_name="Paijo").count() == 1  # nor a second quick registration
    receipt = reverse("complaints:receipt", args=[complaint.pk])
    assert first["Location"] == receipt and again.redirect_chain == [(receipt, 302)]
    assert "Ini sudah tersimpan" in again.content.decode()
    assert TicketCounter.objects.get().last_number == 1  # the numbers stay gapless
    submission = Submission.objects.get()
    assert (submission.user, submission.created_object, submission.redirect_url) == (users["loket"], complaint, receipt)


def test_a_form_refused_first_goes_through_with_the_same_key_once_corrected(users, client_for):
    client = client_for(users["loket"])
    key = intake_page_key(client)
    refused = client.post(reverse("complaints:create"), intake_post(complainant_name="", submission_key=key))
    assert refused.status_code == 200 and not Complaint.objects.exists()
    assert page_key(refused) == key  # the form shown again keeps its key
    data = intake_post(subject=PersonFactory(region_id=WATES).pk, submission_key=key)
    assert client.post(reverse("complaints:create"), data).status_code == 302
    assert client.post(reverse("complaints:create"), data).status_code == 302
    assert Complaint.objects.count() == 1


def test_another_users_key_makes_nothing_and_reveals_nothing(users, client_for):
    person = PersonFactory(region_id=WATES)
    desk = client_for(users["loket"])
    data = intake_post(subject=person.pk, submission_key=intake_page_key(desk))
    desk.post(reverse("complaints:create"), data)
    other = Client()
    other.force_login(users["manajer"], backend="onegate.accounts.backends.ModelBackend")
    response = other.post(reverse("complaints:create"), data)
    assert response.status_code == 302 and response["Location"] == reverse("complaints:create")
    assert Complaint.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_identical_posts_at_the_same_moment_make_one_complaint(users):
    """Two connections, as two requests of a double click: the key's unique index decides."""
    person = PersonFactory(region_id=WATES)
    setup = Client()
    setup.force_login(users["loket"], backend="onegate.accounts.backends.ModelBackend")
    data = intake_post(subject=person.pk, submission_key=intake_page_key(setup))
    start, answers = threading.Barrier(2), []

    def post():
        client = Client()
        client.force_login(users["loket"], backend="onegate.accounts.backends.ModelBackend")
        start.wait()
        try:
            answers.append(client.post(reverse("complaints:create"), data))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    complaint = Complaint.objects.get()
    receipt = reverse("complaints:receipt", args=[complaint.pk])
    assert sorted(a.status_code for a in answers) == [302, 302]
    assert {a["Location"] for a in answers} == {receipt}
    assert complaint.ticket_number.endswith("-000001") and TicketCounter.objects.get().last_number == 1


def test_old_keys_are_swept(users, client_for):
    client = client_for(users["loket"])
    client.post(reverse("complaints:create"), intake_post(subject=PersonFactory(region_id=WATES).pk,
                                                          submission_key=intake_page_key(client)))  # fmt: skip
    Submission.objects.update(created_at=timezone.now() - datetime.timedelta(days=3))
    assert idempotency.sweep(older_than_days=2) == 1 and not Submission.objects.exists()
