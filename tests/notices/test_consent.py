"""Consent to updates at intake, at the desk and on the online form: recorded with who, when, the
channel and the number (normalised), and the first message queued; refused where no message could go."""

import pytest
from django.urls import reverse

from complaints.models import Complaint
from notices.models import Consent, Message, MessageStatus
from onegate.audit.models import LogEntry
from tests.complaints.test_online import post_data
from tests.complaints.test_views import intake_post
from tests.conftest import WATES
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def office_villages(regions):
    """The kelurahan the online form offers."""


def test_the_desk_records_the_complainants_consent_and_queues_the_first_message(
    users, client_for, django_capture_on_commit_callbacks, eager
):
    person = PersonFactory(region_id=WATES)
    data = intake_post(subject=person.pk, complainant_phone="+62 812-3456-7890", updates="on", updates_channel="sms")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users["loket"]).post(reverse("complaints:create"), data)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    consent = Consent.objects.get()
    assert (consent.topic, consent.topic_id, consent.reference) == ("complaint", complaint.pk, complaint.ticket_number)
    assert (consent.phone, consent.channel, consent.source, consent.given_by) == (
        "081234567890",
        "sms",
        "loket",
        users["loket"],
    )
    assert consent.given_at and consent.region_id == WATES
    message = Message.objects.get()
    assert (message.key, message.event, message.phone, message.channel) == (
        f"complaint:{complaint.pk}:diterima",
        "diterima",
        "081234567890",
        "sms",
    )
    # Console gateway (the development default): sent, written to the log.
    assert message.status == MessageStatus.SENT and message.provider_id == f"console-{message.key}"
    assert complaint.ticket_number in message.body and f"?tiket={complaint.ticket_number}" in message.body
    # Nothing personal: no name of the complainant or the person concerned, no NIK, no phone.
    for personal in ("Siti", person.full_name, person.nik, "0812", "Kartu BPJS"):
        assert personal not in message.body
    # Where the phone is stored, the trail says who stored it (placed in the complaint's region).
    for record in (consent, message):
        entry = LogEntry.objects.get_for_object(record).get()
        assert (entry.action, entry.actor) == (LogEntry.Action.CREATE, users["loket"]), record


def test_without_consent_nothing_is_recorded_or_sent(users, client_for, django_capture_on_commit_callbacks, eager):
    person = PersonFactory(region_id=WATES)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(users["loket"]).post(reverse("complaints:create"), intake_post(subject=person.pk))
    assert Complaint.objects.count() == 1
    assert not Consent.objects.exists() and not Message.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"complainant_phone": "0321 321456"}, "complainant_phone"),  # a landline gets no SMS
        ({"complainant_phone": ""}, "complainant_phone"),
        ({"is_anonymous": "on", "complainant_name": ""}, "updates"),
    ],
)
def test_the_desk_cannot_record_a_consent_no_message_could_honour(users, client_for, overrides, field):
    person = PersonFactory(region_id=WATES)
    data = intake_post(subject=person.pk, updates="on", updates_channel="whatsapp", **overrides)
    response = client_for(users["loket"]).post(reverse("complaints:create"), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Complaint.objects.exists() and not Consent.objects.exists()


def test_a_resident_agrees_to_whatsapp_updates_on_the_online_form(client, django_capture_on_commit_callbacks, eager):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("complaints-public:form"), post_data(updates="on", updates_channel="whatsapp"), follow=True
        )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    consent = Consent.objects.get()
    assert (consent.phone, consent.channel, consent.source, consent.given_by) == (
        "081322223333",
        "whatsapp",
        "online",
        None,
    )
    assert Message.objects.get().key == f"complaint:{complaint.pk}:diterima"
    assert "0813****3333" in response.content.decode()  # the thank-you page says where updates go


def test_the_online_form_refuses_updates_without_a_channel(client):
    response = client.post(reverse("complaints-public:form"), post_data(updates="on", updates_channel=""))
    assert response.status_code == 200 and "updates_channel" in response.context["form"].errors
    assert not Complaint.objects.exists()
