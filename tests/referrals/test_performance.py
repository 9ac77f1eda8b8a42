"""The managers' follow-up page: counts per agency and status with the overdue first, the median
days to completion computed by PostgreSQL, the overdue list, the period filter, and scoping."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from onegate.accounts.models import Role
from referrals import services
from referrals.models import Referral, ReferralStatus
from tests.factories import PersonFactory, UserFactory
from tests.referrals.conftest import draft, sent


def completed_after(referral, user, days):
    services.referral_change_status(referral, to_status=ReferralStatus.ACCEPTED, note="", acting_user=user)
    services.referral_change_status(
        referral, to_status=ReferralStatus.COMPLETED, note="Selesai dilayani.", acting_user=user
    )
    Referral.objects.filter(pk=referral.pk).update(finished_at=referral.sent_at + datetime.timedelta(days=days))


@pytest.fixture
def work(users, directory, wates_person):
    loket = users["loket"]
    for days in (1, 2, 10):
        completed_after(sent(loket, directory["pbi"], person=wates_person), users["dinkes"], days)
    late = sent(loket, directory["ktp"], person=wates_person)
    Referral.objects.filter(pk=late.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=10), escalation_level=2
    )
    sent(loket, directory["ktp"], person=wates_person)
    services.referral_change_status(
        sent(loket, directory["ktp"], person=wates_person),
        to_status=ReferralStatus.REJECTED,
        note="Sudah punya KTP-el.",
        acting_user=users["disdukcapil"],
    )
    draft(loket, directory["ktp"], person=wates_person)
    return {"late": late}


def test_per_agency_counts_overdue_first_and_the_median_days_to_completion(users, client_for, directory, work):
    response = client_for(users["manajer"]).get(reverse("referrals:performance"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["agency__name"] for r in rows] == [
        "Disdukcapil",
        "Dinas Kesehatan",
    ]  # the one with an overdue referral first
    disdukcapil, dinkes = rows
    assert (
        disdukcapil["dikirim"],
        disdukcapil["ditolak"],
        disdukcapil["total"],
        disdukcapil["overdue"],
        disdukcapil["escalated"],
    ) == (2, 1, 3, 1, 1)
    assert disdukcapil["median_days"] is None  # nothing completed: no median
    assert (dinkes["selesai"], dinkes["total"], dinkes["overdue"], dinkes["median_days"]) == (3, 3, 0, 2.0)
    totals = response.context["totals"]
    assert (totals["total"], totals["overdue"], totals["median_days"]) == (6, 1, 2.0)  # the draft is not counted
    assert [r.pk for r in response.context["overdue"]] == [work["late"].pk]
    body = response.content.decode()
    assert f"?agency={directory['ktp'].agency_id}&amp;overdue=on" in body and work["late"].number in body


def test_the_median_interpolates_between_the_two_middle_values(users, client_for, directory, wates_person):
    for days in (1, 4):
        completed_after(sent(users["loket"], directory["pbi"], person=wates_person), users["dinkes"], days)
    assert client_for(users["manajer"]).get(reverse("referrals:performance")).context["rows"][0]["median_days"] == 2.5


def test_the_period_filters_by_the_sending_date_and_a_wrong_period_is_explained(users, client_for, directory, work):
    client = client_for(users["manajer"])
    Referral.objects.filter(service=directory["pbi"]).update(sent_at=timezone.now() - datetime.timedelta(days=40))
    today = timezone.localdate()
    recent = client.get(
        reverse("referrals:performance"), {"sent_from": (today - datetime.timedelta(days=7)).strftime("%d/%m/%Y")}
    )
    assert [r["agency__name"] for r in recent.context["rows"]] == ["Disdukcapil"]
    wrong = client.get(
        reverse("referrals:performance"), {"sent_from": today.strftime("%d/%m/%Y"), "sent_until": "01/01/2020"}
    )
    assert wrong.status_code == 200 and "sent_until" in wrong.context["form"].errors
    assert 'id="error-summary"' in wrong.content.decode()


def test_a_manager_sees_only_the_referrals_of_their_scope(users, client_for, directory, work, regions):
    other = UserFactory(username="manajer.prajuritkulon", role=Role.MANAGER, region_id="35.76.03")
    kranggan = PersonFactory(region_id="35.76.03.1001")
    sent(users["loket"], directory["pbi"], person=kranggan)
    response = client_for(other).get(reverse("referrals:performance"))
    assert [(r["agency__name"], r["total"]) for r in response.context["rows"]] == [("Dinas Kesehatan", 1)]
    assert response.context["overdue"] == []


@pytest.mark.parametrize("username", ["loket", "kel.wates", "dinkes", "admin"])
def test_only_managers_open_the_page(users, client_for, username):
    assert client_for(users[username]).get(reverse("referrals:performance")).status_code == 403


def test_the_referral_list_links_managers_to_it(users, client_for):
    assert 'id="performance-link"' in client_for(users["manajer"]).get(reverse("referrals:list")).content.decode()
    assert 'id="performance-link"' not in client_for(users["loket"]).get(reverse("referrals:list")).content.decode()


def test_the_page_costs_the_same_queries_for_few_or_many_referrals(users, client_for, directory, wates_person):
    from tests.complaints.test_query_counts import queries_for

    def add_overdue(service):
        late = sent(users["loket"], service, person=wates_person)
        Referral.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=5))

    client = client_for(users["manajer"])
    add_overdue(directory["pbi"])
    few = queries_for(client, reverse("referrals:performance"))
    for _ in range(5):
        add_overdue(directory["pbi"])
        add_overdue(directory["ktp"])
    assert queries_for(client, reverse("referrals:performance")) == few
