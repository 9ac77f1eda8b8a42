"""The public status check: ticket and phone together, public notes only, rate-limited, and the
same answer for an unknown ticket and a wrong phone."""

import pytest
from django.urls import reverse

from complaints import services
from complaints.models import Status
from tests.complaints.factories import make_complaint

URL = reverse("complaints-public:status")


@pytest.fixture
def complaint(users):
    complaint = make_complaint(
        users["loket"], complainant_phone="0812-3456-7890", description="Rahasia: alamat lengkap korban"
    )
    services.complaint_change_status(
        complaint, to_status=Status.ASSESSMENT, note="Petugas akan berkunjung minggu ini.", acting_user=users["manajer"]
    )
    services.complaint_add_note(
        complaint, note="Catatan internal: riwayat KDRT", acting_user=users["manajer"], is_public=False
    )
    return complaint


def test_the_right_ticket_and_phone_show_the_status_and_public_notes_only(client, complaint):
    response = client.post(URL, {"ticket": complaint.ticket_number.lower(), "phone": "+62 812 3456 7890"})
    page = response.content.decode()
    assert response.status_code == 200 and response.context["complaint"] == complaint
    assert "Petugas akan berkunjung minggu ini." in page
    assert "Catatan internal" not in page and "Rahasia" not in page
    assert complaint.subject.full_name not in page and "Siti Aminah" not in page and "0812" not in page


def test_a_wrong_phone_answers_exactly_like_an_unknown_ticket(client, complaint):
    wrong_phone = client.post(URL, {"ticket": complaint.ticket_number, "phone": "081299999999"})
    unknown = client.post(URL, {"ticket": "ADU-2026-999999", "phone": "081234567890"})
    assert wrong_phone.status_code == unknown.status_code == 200
    assert wrong_phone.context["complaint"] is None and unknown.context["complaint"] is None

    def body(response):
        return (
            response.content.decode()
            .replace(complaint.ticket_number, "T")
            .replace("ADU-2026-999999", "T")
            .replace("081299999999", "P")
            .replace("081234567890", "P")
        )

    strip = __import__("re").compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", body(wrong_phone)) == strip.sub("", body(unknown))


def test_an_anonymous_complaint_cannot_be_looked_up_with_an_empty_phone(client, users):
    anonymous = make_complaint(users["loket"], is_anonymous=True)
    assert client.post(URL, {"ticket": anonymous.ticket_number, "phone": ""}).context["complaint"] is None
    assert client.post(URL, {"ticket": anonymous.ticket_number, "phone": "0"}).context["complaint"] is None


def test_checks_are_rate_limited_per_address(client, complaint, settings):
    settings.PUBLIC_STATUS_RATE = "3/h"
    for _ in range(3):
        assert client.post(URL, {"ticket": "ADU-2026-000404", "phone": "0812"}).status_code == 200
    limited = client.post(URL, {"ticket": complaint.ticket_number, "phone": "081234567890"})
    assert limited.status_code == 429 and limited.context.get("complaint") is None
    other_address = client.post(
        URL, {"ticket": complaint.ticket_number, "phone": "081234567890"}, REMOTE_ADDR="10.0.0.9"
    )
    assert other_address.status_code == 200 and other_address.context["complaint"] == complaint
