import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from assessments import services
from assessments.models import Assessment, NeedDomain, NeedLevel
from onegate.versioning import EditConflict
from registry.models import DtksStatus, Relationship, VerificationStatus, WelfareProfile
from tests.conftest import KRANGGAN, WATES
from tests.factories import HouseholdFactory, PersonFactory


@pytest.fixture
def household(users):
    household = HouseholdFactory(region_id=WATES)
    head = PersonFactory(household=household, region_id=WATES, relationship=Relationship.HEAD)
    PersonFactory(household=household, region_id=WATES, relationship=Relationship.CHILD)
    WelfareProfile.objects.create(person=head, dtks_status=DtksStatus.REGISTERED)
    return household


def visit(day=1, **extra):
    return {"visited_on": datetime.date(2026, 12, day), **extra}


def create(household, user, day=1, needs=None):
    needs = needs if needs is not None else [{"person": None, "domain": NeedDomain.FOOD, "level": NeedLevel.NEEDED}]
    return services.assessment_create(household, data=visit(day), needs=needs, acting_user=user)


def test_a_draft_snapshots_the_registry_dtks_status_and_keeps_only_real_needs(users, household):
    child = household.members.get(relationship=Relationship.CHILD)
    needs = [
        {"person": None, "domain": NeedDomain.FOOD, "level": NeedLevel.NEEDED, "note": "beras habis"},
        {"person": None, "domain": NeedDomain.LEGAL, "level": NeedLevel.NONE, "note": ""},
        {"person": child, "domain": NeedDomain.EDUCATION, "level": NeedLevel.URGENT, "note": "putus sekolah"},
    ]
    assessment = create(household, users["kel.wates"], needs=needs)
    assert assessment.status == VerificationStatus.DRAFT and not assessment.is_latest
    assert assessment.dtks_in_registry == DtksStatus.REGISTERED
    assert assessment.region_id == WATES and assessment.assessor == users["kel.wates"]
    assert {(n.person_id, n.domain, n.level) for n in assessment.needs.all()} == {
        (None, NeedDomain.FOOD, NeedLevel.NEEDED),
        (child.pk, NeedDomain.EDUCATION, NeedLevel.URGENT),
    }


def test_submitting_makes_the_newest_visit_the_latest_and_clears_the_previous(users, household):
    first = services.assessment_submit(create(household, users["kel.wates"], day=1), acting_user=users["kel.wates"])
    assert first.is_latest
    second = services.assessment_submit(create(household, users["manajer"], day=5), acting_user=users["manajer"])
    first.refresh_from_db()
    assert second.is_latest and not first.is_latest
    # An older visit submitted late does not take the place of the newer one.
    late = services.assessment_submit(create(household, users["kel.wates"], day=3), acting_user=users["kel.wates"])
    assert not late.is_latest
    assert list(Assessment.objects.filter(household=household, is_latest=True)) == [second]


def test_a_submitted_assessment_cannot_be_submitted_or_edited_again(users, household):
    assessment = services.assessment_submit(create(household, users["kel.wates"]), acting_user=users["kel.wates"])
    with pytest.raises(Exception, match="draf"):
        services.assessment_submit(assessment, acting_user=users["kel.wates"])
    with pytest.raises(Exception, match="draf"):
        services.assessment_update(assessment, data=visit(2), needs=[], acting_user=users["kel.wates"])


def test_an_edit_from_an_older_version_is_refused_even_when_only_needs_changed(users, household):
    assessment = create(household, users["kel.wates"])
    stale = Assessment.objects.get(pk=assessment.pk)
    services.assessment_update(assessment, data={"summary": "rumah bocor"}, needs=[], acting_user=users["kel.wates"])
    assert assessment.version == 2 and not assessment.needs.exists()
    needs = [{"person": None, "domain": NeedDomain.HOUSING, "level": NeedLevel.URGENT}]
    with pytest.raises(EditConflict):
        services.assessment_update(stale, data={}, needs=needs, acting_user=users["kel.wates"], expected_version=1)
    assert not Assessment.objects.get(pk=assessment.pk).needs.exists()
    # From the current version a change of the needs alone is a new version.
    services.assessment_update(assessment, data={}, needs=needs, acting_user=users["kel.wates"], expected_version=2)
    assert Assessment.objects.get(pk=assessment.pk).version == 3


def test_scoping_of_assessment_writes(users, household):
    with pytest.raises((Http404, PermissionDenied)):
        create(household, users["kel.kranggan"])
    for name in ("dinkes", "loket"):
        with pytest.raises(PermissionDenied):
            create(household, users[name])
    assessment = create(household, users["kel.wates"])
    with pytest.raises((Http404, PermissionDenied)):
        services.assessment_submit(assessment, acting_user=users["kel.kranggan"])
    other = HouseholdFactory(region_id=KRANGGAN)
    stranger = PersonFactory(household=other, region_id=KRANGGAN)
    needs = [{"person": stranger, "domain": NeedDomain.FOOD, "level": NeedLevel.NEEDED}]
    with pytest.raises(Exception, match="bukan anggota"):
        create(household, users["kel.wates"], needs=needs)
