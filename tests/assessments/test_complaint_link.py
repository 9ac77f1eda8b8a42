"""A complaint in assessment links to a needs assessment of its subject's household."""

import datetime

import pytest
from django.urls import reverse

from assessments import services
from complaints.models import Complaint, Status
from complaints.services import complaint_change_status
from tests.complaints.factories import make_complaint
from tests.conftest import KRANGGAN, WATES
from tests.factories import HouseholdFactory, PersonFactory


@pytest.fixture
def case(users):
    household = HouseholdFactory(region_id=WATES)
    person = PersonFactory(household=household, region_id=WATES, full_name="Wagiyem")
    complaint = make_complaint(users["loket"], subject=person)
    complaint_change_status(complaint, to_status=Status.ASSESSMENT, note="", acting_user=users["manajer"])
    visit = services.assessment_create(
        household, data={"visited_on": datetime.date(2026, 11, 20)}, needs=[], acting_user=users["kel.wates"]
    )
    return complaint, visit


def test_the_complaint_page_links_an_assessment_of_the_household_and_shows_it(users, client_for, case):
    complaint, visit = case
    client = client_for(users["manajer"])
    page = client.get(complaint.get_absolute_url()).content.decode()
    new = reverse("assessments:assessment-create", args=[visit.household_id])
    assert f"{new}?next=" in page  # "record a new one", which comes back to the complaint
    response = client.post(
        reverse("complaints:assessment", args=[complaint.pk]), {"assessment": visit.pk, "version": complaint.version}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.assessment == visit
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert "20/11/2026" in page and visit.household.get_absolute_url() in page


def test_an_assessment_of_another_household_is_refused(users, client_for, case):
    complaint, _visit = case
    other = HouseholdFactory(region_id=KRANGGAN)
    foreign = services.assessment_create(
        other, data={"visited_on": datetime.date(2026, 11, 21)}, needs=[], acting_user=users["kel.kranggan"]
    )
    response = client_for(users["manajer"]).post(
        reverse("complaints:assessment", args=[complaint.pk]), {"assessment": foreign.pk, "version": complaint.version}
    )
    assert response.status_code == 400
    assert Complaint.objects.get(pk=complaint.pk).assessment is None


def test_recording_a_new_assessment_from_the_complaint_returns_to_it(users, client_for, case):
    complaint, visit = case
    url = reverse("assessments:assessment-create", args=[visit.household_id]) + f"?next={complaint.get_absolute_url()}"
    response = client_for(users["manajer"]).post(url, {"visited_on": "01/12/2026", "method": "kunjungan"})
    assert response.status_code == 302 and response["Location"] == complaint.get_absolute_url()
    away = client_for(users["manajer"]).post(
        url.replace(complaint.get_absolute_url(), "https://evil.example/"),
        {"visited_on": "02/12/2026", "method": "kantor"},
    )
    assert away["Location"] == visit.household.get_absolute_url()
