"""Big lists: the capped count remembered when it is capped, pages read in two steps, row links."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onegate.pagination import CappedCountPaginator, two_step
from onegate.tables import pk_url
from registry.models import Person, VerificationStatus
from tests.complaints.factories import make_complaint
from tests.conftest import WATES
from tests.factories import HouseholdFactory, PersonFactory
from tests.referrals.conftest import directory, sent  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def counts_in(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "COUNT(*)" in q["sql"] and "registry_person" in q["sql"]]


def test_a_capped_count_is_remembered_and_a_count_under_the_cap_is_not(users, client_for, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 5)
    for i in range(7):
        PersonFactory(full_name=f"Warga Nomor {i}", region_id=WATES, status=VerificationStatus.VERIFIED)
    client = client_for(users["manajer"])
    url = reverse("registry:person-list")
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).context["table"].paginator.is_capped
    with CaptureQueriesContext(connection) as again:
        page = client.get(url)
    assert counts_in(first) and not counts_in(again)
    assert page.context["table"].paginator.is_capped and page.context["table"].paginator.count == 6
    # Under the cap: counted on every page, so a new person shows at once.
    filtered = url + "?status=verified&region=" + WATES
    monkeypatch.setattr(CappedCountPaginator, "cap", 50)
    assert client.get(filtered).context["table"].paginator.count == 7
    PersonFactory(full_name="Warga Baru", region_id=WATES, status=VerificationStatus.VERIFIED)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(filtered).context["table"].paginator.count == 8
    assert counts_in(ctx)


def test_the_capped_count_is_remembered_per_scope(users, client_for, monkeypatch):
    """The kelurahan officer's count is not the manager's: the SQL holds the scope."""
    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    for i in range(5):
        PersonFactory(full_name=f"Warga Kranggan {i}", region_id="35.76.03.1001")
    PersonFactory(full_name="Warga Wates", region_id=WATES)
    url = reverse("registry:person-list")
    assert client_for(users["manajer"]).get(url).context["table"].paginator.is_capped
    table = client_for(users["kel.wates"]).get(url).context["table"]
    assert not table.paginator.is_capped and table.paginator.count == 1


@pytest.mark.parametrize("order", [("full_name", "pk"), ("-birth_date", "pk"), ("region__name", "-pk")])
def test_a_page_read_in_two_steps_is_the_same_page(users, order):
    household = HouseholdFactory(region_id=WATES)
    for i in range(30):
        PersonFactory(full_name=f"Orang {i % 7}", household=household, region_id=WATES if i % 2 else "35.76.03.1001")
    rows = Person.objects.select_related("region").filter(merged_into__isnull=True).order_by(*order)
    for start, stop in ((0, 25), (25, 50), (10, 12)):
        with CaptureQueriesContext(connection) as ctx:
            paged = list(two_step(rows)[start:stop])
        assert [p.pk for p in paged] == [p.pk for p in rows[start:stop]]
        assert len(ctx.captured_queries) == 1 and "IN (SELECT" in ctx.captured_queries[0]["sql"]
        assert paged and paged[0].region.name  # select_related kept
    assert two_step(rows).count() == rows.count() == 30


def test_row_links_are_the_records_own_pages(users, directory):  # noqa: F811
    person = PersonFactory(region_id=WATES)
    complaint = make_complaint(users["loket"], subject=person)
    referral = sent(users["loket"], directory["pbi"], person=person)
    for viewname, record in (
        ("registry:person-detail", person),
        ("registry:household-detail", HouseholdFactory()),
        ("complaints:detail", complaint),
        ("referrals:detail", referral),
    ):
        assert pk_url(viewname)(record) == record.get_absolute_url()
