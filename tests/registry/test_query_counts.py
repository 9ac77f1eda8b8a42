"""No N+1: each registry page runs the same number of queries for a few rows as for many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import Person, PersonPpks, PpksCategory, ProgramReceipt, Relationship, VerificationStatus
from tests.factories import HouseholdFactory, PersonFactory


def queries_for(client, url) -> int:
    """Queries of one request for ``url`` once per-session caches are warm (the session renewed,
    the unread count cached), as on every page but the first."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_people(n, **kwargs):
    household = HouseholdFactory(status=kwargs.get("status", VerificationStatus.DRAFT))
    people = [PersonFactory(household=household, relationship=Relationship.CHILD, **kwargs) for _ in range(n)]
    for p in people:
        PersonPpks.objects.create(person=p, category=PpksCategory.objects.get(code=9))
        ProgramReceipt.objects.create(person=p, program="pkh", year=2025)
    return household


@pytest.mark.parametrize("username", ["kel.wates", "manajer"])
def test_the_person_list_costs_the_same_for_3_or_40_people(users, client_for, username):
    client = client_for(users[username])
    add_people(3)
    few = queries_for(client, reverse("registry:person-list"))
    add_people(37)
    assert Person.objects.count() == 40
    many = queries_for(client, reverse("registry:person-list"))
    assert many == few
    # Filters and the htmx refresh do not add per-row queries either.
    url = reverse("registry:person-list") + "?status=draft&ppks=" + str(PpksCategory.objects.get(code=9).pk)
    assert queries_for(client, url) <= few + 1


def test_the_verification_queue_costs_the_same_for_few_or_many_records(users, client_for):
    client = client_for(users["kel.wates"])
    for _ in range(2):
        add_people(1, status=VerificationStatus.SUBMITTED)
    few = queries_for(client, reverse("registry:verification-queue"))
    for _ in range(15):
        add_people(2, status=VerificationStatus.SUBMITTED)
    assert queries_for(client, reverse("registry:verification-queue")) == few


def test_household_and_person_pages_do_not_query_per_member_or_record(users, client_for):
    client = client_for(users["kel.wates"])
    small, big = add_people(2), add_people(12)
    assert queries_for(client, small.get_absolute_url()) == queries_for(client, big.get_absolute_url())
    lone, busy = small.members.first(), big.members.first()
    for code in range(10, 16):
        PersonPpks.objects.create(person=busy, category=PpksCategory.objects.get(code=code))
    assert queries_for(client, lone.get_absolute_url()) == queries_for(client, busy.get_absolute_url())


def add_families(n):
    for _ in range(n):
        household = HouseholdFactory()
        PersonFactory(household=household, relationship=Relationship.HEAD, full_name="Bambang Wibowo")
        PersonFactory(household=household, relationship=Relationship.CHILD)


@pytest.mark.parametrize("username", ["kel.wates", "manajer"])
def test_the_household_list_costs_the_same_whatever_the_page_size(users, client_for, username):
    client = client_for(users[username])
    url = reverse("registry:household-list")
    add_families(3)
    few = queries_for(client, url)
    add_families(37)
    assert queries_for(client, url) == few
    assert queries_for(client, url + "?per_page=5") == queries_for(client, url + "?per_page=40") == few
    # The search by name or KK, the filters and the htmx refresh do not add per-row queries either.
    searched = queries_for(client, url + "?q=bambang+wibowa&status=draft&per_page=5")
    assert queries_for(client, url + "?q=bambang+wibowa&status=draft&per_page=40") == searched <= few + 1
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url + "?per_page=40", HTTP_HX_REQUEST="true").status_code == 200
    assert len(ctx.captured_queries) <= few
