"""No N+1 on the list pages not covered by the apps' own query-count tests: notifications, reports,
likely duplicates, the audit trail, the service directory, the referral follow-up page and the
household list. Each costs the same number of queries for a few rows as for many."""

import datetime

from auditlog.context import set_actor
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from onegate.notifications.models import Notification
from referrals.models import Referral
from registry.models import DuplicatePair, Relationship
from reports.models import ReportRequest, ReportStatus, ReportType
from tests.complaints.test_query_counts import queries_for
from tests.factories import HouseholdFactory, PersonFactory
from tests.referrals.conftest import directory, sent, wates_person  # noqa: F401  (fixtures)
from tests.referrals.factories import service_with_details


def test_the_notification_list_costs_the_same_for_2_or_20_notifications(users, client_for):
    user = users["manajer"]
    client = client_for(user)
    user_type = ContentType.objects.get_for_model(user)

    def notify(n):
        start = Notification.objects.count()
        for i in range(start, start + n):
            Notification.objects.create(
                user=user,
                kind="uji",
                subject_type=user_type,
                subject_id=i,
                title=f"Pemberitahuan {i}",
                body="Isi.",
                url="/",
                read_at=timezone.now() if i % 2 else None,
            )

    notify(2)
    few = queries_for(client, reverse("notifications:list"))
    notify(18)
    assert Notification.objects.filter(user=user).count() == 20
    assert queries_for(client, reverse("notifications:list")) == few


def test_the_report_list_costs_the_same_for_2_or_20_requests(users, client_for):
    manager = users["manajer"]
    client = client_for(manager)

    def ask(n):
        for i in range(n):
            ReportRequest.objects.create(
                report_type=ReportType.PERSON_PROFILE if i % 2 else ReportType.DISABILITY_RECAP,
                person=PersonFactory() if i % 2 else None,
                requested_by=manager,
                scope_role=manager.role,
                scope_region_id=manager.region_id,
                status=ReportStatus.READY if i % 3 else ReportStatus.FAILED,
                error="" if i % 3 else "Gagal.",
                file_path=f"reports/{i}.pdf" if i % 3 else "",
                size=1000 if i % 3 else None,
            )

    ask(2)
    few = queries_for(client, reverse("reports:list"))
    ask(18)
    assert queries_for(client, reverse("reports:list")) == few


def test_the_duplicate_list_costs_the_same_for_2_or_20_pairs(users, client_for):
    client = client_for(users["manajer"])

    def pairs(n):
        for _ in range(n):
            household = HouseholdFactory()
            a = PersonFactory(full_name="Siti Aminah", household=household, relationship=Relationship.HEAD)
            b = PersonFactory(
                full_name="Siti Aminnah",
                household=household,
                relationship=Relationship.SPOUSE,
                region_id="35.76.03.1001",
            )
            DuplicatePair.objects.create(
                person_a=a, person_b=b, similarity=0.9, same_birth_date=False, same_household=True
            )

    pairs(2)
    few = queries_for(client, reverse("registry:duplicate-list"))
    pairs(18)
    assert queries_for(client, reverse("registry:duplicate-list")) == few


def test_the_audit_trails_cost_the_same_for_few_or_many_entries(users, client_for):
    """Entries whose changes name related records (the household, the region) included."""
    client = client_for(users["admin"])
    loket = users["loket"]
    user_trail = reverse("audit:user-trail", args=[loket.pk])

    def changes(n):
        with set_actor(loket):
            for _ in range(n):
                household = HouseholdFactory()
                person = PersonFactory(household=household, relationship=Relationship.HEAD)
                person.region_id = "35.76.03.1001"
                person.save()

    changes(1)
    few = (queries_for(client, reverse("audit:trail")), queries_for(client, user_trail))
    changes(20)
    assert len(client.get(reverse("audit:trail")).context["page"].object_list) == 50
    # One query per kind of record named, not per entry; the 50 newest entries may name fewer kinds
    # than the first few did (the users and agencies made by the fixtures drop off the page).
    assert queries_for(client, reverse("audit:trail")) <= few[0]
    assert queries_for(client, user_trail) <= few[1]
    filtered = reverse("audit:trail") + f"?actor={loket.pk}&action=1"
    assert queries_for(client, filtered) <= few[0] + 1


def test_the_service_directory_costs_the_same_for_2_or_14_services(users, client_for, directory, dinkes):  # noqa: F811
    client = client_for(users["loket"])
    few = queries_for(client, reverse("referrals:directory"))
    for n in range(12):
        service_with_details(dinkes, f"Layanan uji {n}", documents=("KTP", "KK", "SKTM"))
    assert queries_for(client, reverse("referrals:directory")) == few
    assert queries_for(client, reverse("referrals:directory") + "?q=layanan") <= few + 1


def test_the_referral_follow_up_page_costs_the_same_for_2_or_20_overdue_referrals(
    users, client_for, directory, wates_person
):
    client = client_for(users["manajer"])
    last_week = timezone.localdate() - datetime.timedelta(days=10)

    def overdue(n):
        for i in range(n):
            referral = sent(
                users["loket"], directory["pbi" if i % 2 else "ktp"], person=wates_person if i % 2 else PersonFactory()
            )
            Referral.objects.filter(pk=referral.pk).update(due_date=last_week)

    overdue(2)
    few = queries_for(client, reverse("referrals:performance"))
    overdue(18)
    response = client.get(reverse("referrals:performance"))
    assert len(response.context["overdue"]) == 20
    assert queries_for(client, reverse("referrals:performance")) == few


def test_the_household_list_costs_the_same_for_3_or_30_households(users, client_for):
    def households(n):
        for _ in range(n):
            household = HouseholdFactory()
            PersonFactory(household=household, relationship=Relationship.HEAD)
            PersonFactory(household=household, relationship=Relationship.CHILD)

    for username in ("kel.wates", "manajer"):
        client = client_for(users[username])
        households(3)
        few = queries_for(client, reverse("registry:household-list"))
        households(27)
        assert queries_for(client, reverse("registry:household-list")) == few
