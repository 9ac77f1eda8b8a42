"""One rule for whole NIKs (registry.privacy): kelurahan officers and managers see them; front-desk
staff see them masked on every page that shows one; agency officers never open the registry and
learn a NIK only through a referral with the person's consent."""

import csv
import io

import pytest
from django.urls import reverse

from onegate.accounts.models import Role
from registry import exports
from registry.models import Person, Relationship
from registry.privacy import FULL_NIK_ROLES, can_see_full_nik, nik_for
from reports.scope import RequesterScope
from tests.conftest import WATES
from tests.factories import HouseholdFactory, PersonFactory


@pytest.fixture
def person(users):
    home = HouseholdFactory(region_id=WATES)
    return PersonFactory(
        full_name="Sutrisno Wates",
        nik="3576021705600003",
        region_id=WATES,
        household=home,
        relationship=Relationship.HEAD,
    )


MASKED = "3576********0003"
WHOLE = "3576021705600003"
SEES_WHOLE = ["kel.wates", "manajer"]


def test_the_rule(users):
    assert FULL_NIK_ROLES == {Role.KELURAHAN, Role.MANAGER}
    assert [u for u in users if can_see_full_nik(users[u])] == ["manajer", "kel.wates", "kel.kranggan"]
    assert nik_for(users["loket"], WHOLE) == MASKED and nik_for(users["manajer"], WHOLE) == WHOLE
    assert nik_for(users["dinkes"], WHOLE) == MASKED and nik_for(users["admin"], WHOLE) == MASKED
    assert nik_for(users["manajer"], None) == "" and nik_for(None, WHOLE) == MASKED
    users["manajer"].is_active = False
    assert not can_see_full_nik(users["manajer"])
    # A report is rendered with the requester's scope, and follows the same rule.
    assert nik_for(RequesterScope.of_user(users["loket"]), WHOLE) == MASKED
    assert nik_for(RequesterScope.of_user(users["kel.wates"]), WHOLE) == WHOLE


@pytest.mark.parametrize("username", ["loket", *SEES_WHOLE])
@pytest.mark.parametrize("page", ["list", "person", "household", "intake-search"])
def test_every_page_shows_the_nik_as_the_role_may_see_it(users, client_for, person, username, page):
    url = {
        "list": reverse("registry:person-list"),
        "person": reverse("registry:person-detail", args=[person.pk]),
        "household": reverse("registry:household-detail", args=[person.household_id]),
        "intake-search": reverse("complaints:person-search") + "?subject_query=sutrisno",
    }[page]
    response = client_for(users[username]).get(url)
    body = response.content.decode()
    assert response.status_code == 200 and "Sutrisno Wates" in body
    if username in SEES_WHOLE:
        assert WHOLE in body
    else:
        assert WHOLE not in body and MASKED in body


def test_agency_officers_open_no_registry_page(users, client_for, person):
    client = client_for(users["dinkes"])
    assert client.get(reverse("registry:person-list")).status_code == 403
    assert client.get(reverse("registry:person-detail", args=[person.pk])).status_code == 404
    assert client.get(reverse("registry:household-detail", args=[person.household_id])).status_code == 404
    assert client.get(reverse("registry:person-export", args=["csv"])).status_code == 403
    assert client.get(reverse("complaints:person-search"), {"subject_query": "sutrisno"}).status_code == 403


def test_exports_are_for_the_roles_that_see_whole_niks(users, client_for, person):
    assert client_for(users["loket"]).get(reverse("registry:person-export", args=["csv"])).status_code == 403
    assert client_for(users["loket"]).get(reverse("registry:person-export", args=["xlsx"])).status_code == 403
    for username in SEES_WHOLE:
        response = client_for(users[username]).get(reverse("registry:person-export", args=["csv"]))
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        assert rows[1][:3] == [WHOLE, person.household.kk_number, "Sutrisno Wates"]
        assert client_for(users[username]).get(reverse("registry:person-export", args=["xlsx"])).status_code == 200
    # The export masks by the same rule, should a role without whole NIKs ever be allowed to export.
    assert [row[0] for row in exports.export_rows(Person.objects.all(), users["loket"])] == [MASKED]
    assert [row[0] for row in exports.export_rows(Person.objects.all(), users["manajer"])] == [WHOLE]


def test_the_self_report_review_follows_the_rule(users, client_for):
    from tests.registry.test_self_report import make_report

    url = reverse("registry:self-report-review", args=[make_report(nik=WHOLE).pk])
    for username in SEES_WHOLE:
        assert WHOLE in client_for(users[username]).get(url).content.decode()
    body = client_for(users["loket"]).get(url).content.decode()  # the desk may read the reports
    assert WHOLE not in body and MASKED in body


@pytest.fixture
def referral_setup(users, dinkes, person):
    from tests.complaints.factories import make_complaint
    from tests.referrals.factories import service_with_details

    service = service_with_details(dinkes, "Pendaftaran PBI-JK", sla_working_days=5)
    return service, make_complaint(users["loket"], subject=person)


@pytest.mark.parametrize("with_consent", [False, True])
def test_referral_pages_follow_the_consent_rule_and_the_desk_still_sees_no_whole_nik(
    users, client_for, person, referral_setup, with_consent
):
    """referrals.disclosure decides what the agency learns: no NIK at all without consent, the
    whole NIK with it (so it can act on the person's records). Dinsos staff see the referral
    without the NIK, and the registry's rule on the person's page."""
    from tests.referrals.conftest import sent

    service, complaint = referral_setup
    referral = sent(users["loket"], service, complaint=complaint, with_consent=with_consent)
    agency_page = client_for(users["dinkes"]).get(referral.get_absolute_url()).content.decode()
    assert (WHOLE in agency_page) is with_consent and MASKED not in agency_page
    desk_page = client_for(users["loket"]).get(referral.get_absolute_url()).content.decode()
    assert "Sutrisno Wates" in desk_page and WHOLE not in desk_page


KK_WHOLE = "3576020101100001"
KK_MASKED = "3576********0001"


@pytest.mark.parametrize("username", ["loket", *SEES_WHOLE])
@pytest.mark.parametrize("page", ["household-list", "household", "person"])
def test_kk_numbers_follow_the_same_rule(users, client_for, person, username, page):
    person.household.kk_number = KK_WHOLE
    person.household.save()
    url = {
        "household-list": reverse("registry:household-list"),
        "household": reverse("registry:household-detail", args=[person.household_id]),
        "person": reverse("registry:person-detail", args=[person.pk]),
    }[page]
    body = client_for(users[username]).get(url).content.decode()
    if username in SEES_WHOLE:
        assert KK_WHOLE in body
    else:
        assert KK_WHOLE not in body and KK_MASKED in body
