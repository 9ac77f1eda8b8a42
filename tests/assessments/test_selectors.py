import datetime

import pytest

from assessments.models import Assessment, AssessmentNeed, NeedDomain, NeedLevel
from assessments.selectors import has_need_q, needs_of_person
from registry.models import Person
from tests.conftest import WATES
from tests.factories import HouseholdFactory, PersonFactory


@pytest.fixture
def household_with_two(users):
    household = HouseholdFactory(region_id=WATES)
    return (
        household,
        PersonFactory(household=household, region_id=WATES),
        PersonFactory(household=household, region_id=WATES),
    )


def assess(household, user, needs, latest=True):
    assessment = Assessment.objects.create(
        household=household,
        region_id=household.region_id,
        visited_on=datetime.date(2026, 12, 1),
        assessor=user,
        is_latest=latest,
    )
    for person, domain, level in needs:
        AssessmentNeed.objects.create(assessment=assessment, person=person, domain=domain, level=level)
    return assessment


def matching(domains):
    return set(Person.objects.filter(has_need_q(domains)).values_list("pk", flat=True))


def test_a_household_need_belongs_to_every_member_and_a_member_need_to_that_member_only(users, household_with_two):
    household, first, second = household_with_two
    assess(
        household,
        users["kel.wates"],
        [(None, NeedDomain.FOOD, NeedLevel.NEEDED), (second, NeedDomain.HEALTH, NeedLevel.URGENT)],
    )
    assert matching([NeedDomain.FOOD]) == {first.pk, second.pk}
    assert matching([NeedDomain.HEALTH]) == {second.pk}
    assert needs_of_person(first) == {NeedDomain.FOOD: NeedLevel.NEEDED}
    assert needs_of_person(second) == {NeedDomain.FOOD: NeedLevel.NEEDED, NeedDomain.HEALTH: NeedLevel.URGENT}


def test_only_the_latest_assessment_and_real_needs_count(users, household_with_two):
    household, first, _second = household_with_two
    assess(household, users["kel.wates"], [(None, NeedDomain.HOUSING, NeedLevel.URGENT)], latest=False)
    assess(household, users["kel.wates"], [(None, NeedDomain.EDUCATION, NeedLevel.NONE)])
    assert matching([NeedDomain.HOUSING, NeedDomain.EDUCATION]) == set()
    assert needs_of_person(first) == {}
