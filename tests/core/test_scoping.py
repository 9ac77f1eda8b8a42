"""The one access mechanism, exercised on a model placed by region and addressed to an agency."""

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from onegate import scoping
from onegate.accounts.models import Role
from onegate.agencies.models import Agency
from onegate.regions.models import Region
from tests.conftest import KRANGGAN, WATES
from tests.factories import AgencyFactory

ALL = set(Role.values)


@pytest.fixture
def agency_rule():
    """Scope agencies as if they were personal data: placed by region, 'addressed' to themselves."""
    rule = scoping.ScopeRule(
        region_field="region",
        agency_field="pk",
        roles={"view": ALL, "change": {Role.MANAGER, Role.KELURAHAN}},
    )
    previous = scoping._rules.get(Agency)
    scoping.register(Agency, rule)
    yield rule
    if previous is None:
        scoping._rules.pop(Agency)
    else:
        scoping.register(Agency, previous)


@pytest.fixture
def placed(users, agency_rule):
    return {
        "wates": AgencyFactory(code="posyandu-wates", region_id=WATES),
        "kranggan": AgencyFactory(code="posyandu-kranggan", region_id=KRANGGAN),
        "blora": AgencyFactory(code="dinsos-blora", region_id="33.16"),
    }


def visible(user, action="view"):
    return set(scoping.restrict(Agency.objects.all(), user, action).values_list("code", flat=True))


def test_a_kelurahan_officer_sees_only_their_kelurahan(users, placed):
    assert visible(users["kel.wates"]) == {"posyandu-wates"}
    assert visible(users["kel.kranggan"]) == {"posyandu-kranggan"}


def test_city_staff_see_the_whole_city_and_nothing_outside(users, placed):
    expected = {"posyandu-wates", "posyandu-kranggan", "dinkes", "disdukcapil"}
    assert visible(users["manajer"]) == expected
    assert visible(users["loket"]) == expected


def test_a_kecamatan_scope_covers_its_kelurahan_only(users, placed):
    users["manajer"].region = Region.objects.get(code="35.76.02")  # Magersari, where Wates lies
    assert visible(users["manajer"]) == {"posyandu-wates"}


def test_an_agency_officer_sees_only_their_agency(users, placed):
    assert visible(users["dinkes"]) == {"dinkes"}
    assert visible(users["disdukcapil"]) == {"disdukcapil"}


def test_an_administrator_without_region_sees_everything(users, placed):
    assert {"dinsos-blora", "posyandu-wates"} <= visible(users["admin"])


def test_write_scope_follows_the_role(users, placed):
    assert visible(users["loket"], "change") == set()
    assert visible(users["kel.wates"], "change") == {"posyandu-wates"}
    assert visible(users["manajer"], "delete") == set()  # an action nobody was given


def test_out_of_scope_is_404_and_read_only_is_403(users, placed):
    kranggan = placed["kranggan"]
    with pytest.raises(scoping.OutOfScope):
        scoping.get_scoped_object(users["kel.wates"], Agency, pk=kranggan.pk)
    with pytest.raises(PermissionDenied):
        scoping.get_scoped_object(users["loket"], Agency, "change", pk=kranggan.pk)
    assert scoping.get_scoped_object(users["kel.kranggan"], Agency, "change", pk=kranggan.pk) == kranggan


def test_ensure_allowed_catches_a_change_that_leaves_the_scope(users, placed):
    wates = placed["wates"]
    wates.region_id = KRANGGAN
    wates.save()
    with pytest.raises(PermissionDenied):
        scoping.ensure_allowed(users["kel.wates"], wates, "change")


def test_inactive_and_anonymous_users_see_nothing(users, placed):
    from django.contrib.auth.models import AnonymousUser

    users["manajer"].is_active = False
    assert visible(users["manajer"]) == set()
    assert visible(AnonymousUser()) == set()


def test_a_model_without_a_rule_is_refused_loudly(users):
    with pytest.raises(ImproperlyConfigured, match="no scope rule"):
        scoping.restrict(Region.objects.all(), users["manajer"])


def test_a_role_filter_replaces_the_default(users, placed):
    rule = scoping.ScopeRule(
        region_field="region",
        roles={"view": ALL},
        role_filters={Role.FRONT_DESK: lambda qs, user: qs.filter(code__startswith="posyandu")},
    )
    scoping.register(Agency, rule)
    assert visible(users["loket"]) == {"posyandu-wates", "posyandu-kranggan"}


def test_the_region_filter_needs_no_join(users, agency_rule):
    sql = str(scoping.restrict(Agency.objects.all(), users["kel.wates"]).query)
    assert "regions_region" not in sql and "LIKE" in sql


@pytest.mark.parametrize("action", ["view", "change"])
def test_users_who_can_are_exactly_those_restrict_lets_through(placed, users, action):
    from tests.factories import UserFactory

    # More accounts: a kecamatan manager, an inactive one, an officer of the Wates posyandu itself.
    UserFactory(username="camat", role=Role.MANAGER, region_id="35.76.02")
    UserFactory(username="pensiun", role=Role.MANAGER, region_id="35.76", is_active=False)
    UserFactory(username="posyandu", role=Role.AGENCY, region_id=None, agency=placed["wates"])
    for agency in placed.values():
        expected = {
            u.username
            for u in type(users["admin"]).objects.all()
            if scoping.restrict(Agency.objects.filter(pk=agency.pk), u, action).exists()
        }
        assert {u.username for u in scoping.users_who_can(agency, action)} == expected, agency.code
    wates = {u.username for u in scoping.users_who_can(placed["wates"], "change")}
    assert wates == {"manajer", "kel.wates", "camat"}


def test_users_who_can_act_on_a_complaint_are_its_area_staff(users):
    from complaints.models import Complaint
    from tests.complaints.factories import make_complaint
    from tests.factories import PersonFactory

    complaint = make_complaint(users["loket"], subject=PersonFactory(region_id=KRANGGAN))
    assert isinstance(complaint, Complaint)
    assert {u.username for u in scoping.users_who_can(complaint, "change")} == {"manajer", "loket", "kel.kranggan"}
    assert {u.username for u in scoping.users_who_can(complaint, "assign")} == {"manajer"}
