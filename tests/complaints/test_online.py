"""The public online complaint form: lands in the same queue with channel online, anti-spam,
rate limit, and nothing saved when the form is refused."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.models import Channel, Complaint, EventKind
from onegate.web import antispam
from tests.complaints.factories import category
from tests.conftest import WATES

URL = reverse("complaints-public:form")


@pytest.fixture(autouse=True)
def office_villages(regions):
    """The kelurahan the form offers."""


def post_data(**overrides):
    challenge = antispam.new_challenge(issued_at=time.time() - 60)
    data = {
        "complainant_name": "Bu Warsini",
        "complainant_phone": "0813 2222 3333",
        "complainant_relation": "tetangga",
        "subject_name": "Mbah Kromo",
        "region": WATES,
        "category": category("Orang terlantar/ODGJ/pasung").pk,
        "urgency": "mendesak",
        "description": "Lansia tinggal sendiri dan tidak ada yang merawat.",
        "consent": "on",
        "challenge_token": challenge.token,
        "challenge_answer": challenge.a + challenge.b,
    }
    data.update(overrides)
    return data


def test_a_resident_submits_online_and_gets_a_ticket(client, users, client_for):
    response = client.post(URL, post_data(), follow=True)
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.created_by, complaint.region_id, complaint.queue_number) == (
        Channel.ONLINE,
        None,
        WATES,
        None,
    )
    assert complaint.events.get().kind == EventKind.CREATED
    assert complaint.ticket_number in response.content.decode()
    # The same queue the office works: the manager's and the kelurahan's complaint lists.
    listed = (
        client_for(users["kel.wates"])
        .get(reverse("complaints:list") + "?channel=online")
        .context["table"]
        .page.object_list
    )
    assert [row.record for row in listed] == [complaint]
    # And the resident can check it with the phone given.
    status = client.post(
        reverse("complaints-public:status"), {"ticket": complaint.ticket_number, "phone": "081322223333"}
    )
    assert status.context["complaint"] == complaint


def test_the_thank_you_page_shows_only_the_visitors_own_ticket(client):
    assert client.get(reverse("complaints-public:sent")).status_code == 302


@pytest.mark.parametrize(
    "overrides",
    [
        {"challenge_answer": 99},  # wrong sum
        {"website": "http://spam.example"},  # honeypot
        {"challenge_token": "forged"},
        {"consent": ""},
        {"complainant_phone": "12"},
    ],
)
def test_a_refused_form_saves_nothing_and_keeps_what_was_typed(client, overrides):
    response = client.post(URL, post_data(**overrides))
    assert response.status_code == 200 and not Complaint.objects.exists()
    page = response.content.decode()
    assert "Lansia tinggal sendiri dan tidak ada yang merawat." in page and 'value="Mbah Kromo"' in page


def test_a_form_sent_too_fast_is_refused(client, settings):
    settings.PUBLIC_FORM_MIN_SECONDS = 30
    challenge = antispam.new_challenge()
    client.post(URL, post_data(challenge_token=challenge.token, challenge_answer=challenge.a + challenge.b))
    assert not Complaint.objects.exists()


def test_the_same_solved_form_cannot_be_sent_twice(client):
    data = post_data()
    first = client.post(URL, data)
    assert first.status_code == 302, first.context["form"].errors
    assert client.post(URL, data).status_code == 200
    assert Complaint.objects.count() == 1


def test_a_bad_attachment_is_refused_with_the_form_kept(client):
    upload = SimpleUploadedFile("foto.jpg", b"MZ\x90\x00" + b"\x00" * 100)
    response = client.post(URL, post_data(attachments=[upload]))
    assert response.status_code == 200 and not Complaint.objects.exists()
    assert "foto.jpg" in " ".join(response.context["form"].errors["attachments"])


def test_online_complaints_are_rate_limited_per_address(client, settings):
    settings.PUBLIC_COMPLAINT_RATE = "2/h"
    assert client.post(URL, post_data()).status_code == 302
    assert client.post(URL, post_data()).status_code == 302
    assert client.post(URL, post_data()).status_code == 429
    assert Complaint.objects.count() == 2
    assert client.post(URL, post_data(), REMOTE_ADDR="10.1.1.1").status_code == 302
