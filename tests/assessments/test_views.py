"""The assessment page (one page on a tablet), and the latest assessment on the household and person pages."""

import datetime

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, NeedDomain, NeedLevel
from onegate import panels
from registry.models import DtksStatus, Relationship, VerificationStatus, WelfareProfile
from tests.conftest import WATES
from tests.factories import HouseholdFactory, PersonFactory
from tests.idempotency import assert_sent_to_first_result, post_twice
from tests.registry.test_query_counts import queries_for


@pytest.fixture
def family(users):
    household = HouseholdFactory(region_id=WATES)
    head = PersonFactory(household=household, region_id=WATES, relationship=Relationship.HEAD, full_name="Sri Wahyuni")
    child = PersonFactory(household=household, region_id=WATES, relationship=Relationship.CHILD, full_name="Dimas")
    WelfareProfile.objects.create(person=head, dtks_status=DtksStatus.NOT_REGISTERED)
    return household, head, child


def form_data(child, **extra):
    data = {
        "visited_on": "03/12/2026",
        "method": "kunjungan",
        "companions": "Pak RT",
        "dtks_finding": DtksStatus.PROPOSED,
        f"{NeedDomain.FOOD}-kk-level": NeedLevel.URGENT,
        f"{NeedDomain.FOOD}-kk-note": "beras habis",
        f"{NeedDomain.EDUCATION}-{child.pk}-level": NeedLevel.NEEDED,
        f"{NeedDomain.EDUCATION}-{child.pk}-note": "seragam",
    }
    return {**data, **extra}


def create_url(household):
    return reverse("assessments:assessment-create", args=[household.pk])


def test_the_form_shows_the_registry_dtks_status_and_every_domain_for_the_household_and_members(
    users, client_for, family
):
    household, _head, child = family
    page = client_for(users["kel.wates"]).get(create_url(household)).content.decode()
    assert "Tidak terdaftar" in page  # the registry's status, read-only
    assert page.count("<details") == len(NeedDomain)
    assert f'name="{NeedDomain.HOUSING}-{child.pk}-level"' in page
    assert "Tidak ada" in page and "Mendesak" in page
    assert "<script>" not in page  # the Content-Security-Policy forbids inline scripts


def test_submitting_from_the_form_records_the_needs_and_shows_them_on_the_household_and_person_pages(
    users, client_for, family
):
    household, head, child = family
    client = client_for(users["kel.wates"])
    response = client.post(create_url(household), {**form_data(child), "ajukan": ""})
    assert response.status_code == 302 and response["Location"] == household.get_absolute_url()
    assessment = Assessment.objects.get()
    assert assessment.status == VerificationStatus.SUBMITTED and assessment.is_latest
    assert assessment.visited_on == datetime.date(2026, 12, 3)
    household_page = client.get(household.get_absolute_url()).content.decode()
    assert "03/12/2026" in household_page and "beras habis" in household_page and "seragam" in household_page
    assert "Diusulkan" in household_page  # the DTKS finding differs from the registry
    head_page = client.get(head.get_absolute_url()).content.decode()
    assert "beras habis" in head_page and "seragam" not in head_page  # the child's need is the child's
    assert "seragam" in client.get(child.get_absolute_url()).content.decode()


def test_bad_input_is_refused_with_everything_typed_kept(users, client_for, family):
    household, _head, child = family
    data = form_data(child, visited_on="31/02/2026", **{f"{NeedDomain.LEGAL}-kk-level": "7"})
    response = client_for(users["kel.wates"]).post(create_url(household), data)
    assert response.status_code == 400 and not Assessment.objects.exists()
    page = response.content.decode()
    assert "beras habis" in page and "seragam" in page
    assert page.count("<details open") == 1  # the member's row that holds something stays open


def test_a_form_sent_twice_makes_one_assessment(users, client_for, family):
    household, _head, child = family
    first, again = post_twice(client_for(users["kel.wates"]), create_url(household), form_data(child))
    assert Assessment.objects.count() == 1
    assert_sent_to_first_result(first, again, household.get_absolute_url())


def test_a_stale_edit_shows_the_conflict_and_saves_nothing(users, client_for, family):
    household, _head, child = family
    assessment = services.assessment_create(
        household, data={"visited_on": datetime.date(2026, 12, 1)}, needs=[], acting_user=users["kel.wates"]
    )
    url = reverse("assessments:assessment-edit", args=[assessment.pk])
    services.assessment_update(assessment, data={"summary": "dari manajer"}, needs=[], acting_user=users["manajer"])
    response = client_for(users["kel.wates"]).post(url, {**form_data(child), "version": 1})
    assert response.status_code == 409
    assert "beras habis" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.summary == "dari manajer" and not assessment.needs.exists()


def test_scoping_of_the_pages(users, client_for, family):
    household, _head, child = family
    assessment = services.assessment_create(
        household, data={"visited_on": datetime.date(2026, 12, 1)}, needs=[], acting_user=users["kel.wates"]
    )
    edit = reverse("assessments:assessment-edit", args=[assessment.pk])
    for name in ("kel.kranggan", "dinkes"):
        client = client_for(users[name])
        assert client.get(create_url(household)).status_code == 404
        assert client.post(create_url(household), form_data(child)).status_code == 404
        assert client.get(edit).status_code == 404
    desk = client_for(users["loket"])
    assert desk.get(create_url(household)).status_code == 403
    assert desk.get(edit).status_code == 403
    page = desk.get(household.get_absolute_url()).content.decode()
    assert "Asesmen kebutuhan" in page and create_url(household) not in page
    assert Assessment.objects.count() == 1


def test_the_assessment_panel_adds_at_most_two_queries_to_the_person_page(users, client_for, family, monkeypatch):
    household, head, child = family
    client = client_for(users["kel.wates"])
    client.post(create_url(household), {**form_data(child), "ajukan": ""})
    with_panel = queries_for(client, head.get_absolute_url())
    monkeypatch.delitem(panels._panels["person"], "assessments")
    assert with_panel - queries_for(client, head.get_absolute_url()) <= 2


def test_an_assessment_opens_read_only_with_every_need_and_only_in_scope(users, client_for, family):
    household, _head, child = family
    client = client_for(users["kel.wates"])
    client.post(create_url(household), {**form_data(child), "ajukan": ""})
    assessment = Assessment.objects.get()
    url = reverse("assessments:assessment-detail", args=[assessment.pk])
    assert url in client.get(household.get_absolute_url()).content.decode()
    page = client.get(url).content.decode()
    assert "beras habis" in page and "seragam" in page and "Dimas" in page
    assert reverse("assessments:assessment-edit", args=[assessment.pk]) not in page  # submitted: not editable
    assert client_for(users["loket"]).get(url).status_code == 200
    for name in ("kel.kranggan", "dinkes"):
        assert client_for(users[name]).get(url).status_code == 404
