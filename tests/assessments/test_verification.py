"""A manager verifies or rejects a submitted assessment (not their own), with the reason for a
rejection: versioned, audited, shown on the assessment and in the household and person panels, and
scoped (outside the manager's region 404, other roles and the assessor themself 403)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, NeedDomain, NeedLevel
from onegate.accounts.models import Role
from onegate.audit.models import LogEntry
from registry.models import Relationship, VerificationStatus
from tests.conftest import WATES
from tests.factories import HouseholdFactory, PersonFactory, UserFactory


@pytest.fixture
def household(users):
    household = HouseholdFactory(region_id=WATES)
    PersonFactory(household=household, region_id=WATES, relationship=Relationship.HEAD, full_name="Sri Wahyuni")
    return household


def submitted(household, user, day=3, note="beras habis"):
    needs = [{"person": None, "domain": NeedDomain.FOOD, "level": NeedLevel.URGENT, "note": note}]
    assessment = services.assessment_create(
        household, data={"visited_on": datetime.date(2026, 12, day)}, needs=needs, acting_user=user
    )
    return services.assessment_submit(assessment, acting_user=user)


def decide_url(assessment):
    return reverse("assessments:assessment-decide", args=[assessment.pk])


def detail_url(assessment):
    return reverse("assessments:assessment-detail", args=[assessment.pk])


def test_a_manager_verifies_from_the_detail_page_and_it_shows_there_and_in_the_panels(users, client_for, household):
    assessment = submitted(household, users["kel.wates"])
    client = client_for(users["manajer"])
    page = client.get(detail_url(assessment)).content.decode()
    assert decide_url(assessment) in page and 'value="verifikasi"' in page and 'value="tolak"' in page
    response = client.post(decide_url(assessment), {"decision": "verifikasi", "version": assessment.version})
    assert response.status_code == 302 and response["Location"] == detail_url(assessment)
    assessment.refresh_from_db()
    assert assessment.status == VerificationStatus.VERIFIED and assessment.verified_by == users["manajer"]
    assert assessment.version == 3 and assessment.is_latest  # created 1, submitted 2, verified 3
    page = client.get(detail_url(assessment)).content.decode()
    assert "Diverifikasi oleh" in page and decide_url(assessment) not in page
    for url in (household.get_absolute_url(), household.members.get().get_absolute_url()):
        panel = client_for(users["kel.wates"]).get(url).content.decode()
        assert "Terverifikasi" in panel or "Diverifikasi" in panel, url
    entry = LogEntry.objects.get_for_object(assessment).filter(changes__has_key="verified_by").latest("timestamp")
    assert entry.actor == users["manajer"] and entry.changes["status"][1] == VerificationStatus.VERIFIED
    assert entry.additional_data["version"] == 3


def test_a_rejection_needs_the_reason_and_sends_the_assessment_back(users, client_for, household):
    earlier = submitted(household, users["kel.wates"], day=1, note="dulu")
    assessment = submitted(household, users["kel.wates"], day=3)
    assert assessment.is_latest
    client = client_for(users["manajer"])
    response = client.post(decide_url(assessment), {"decision": "tolak", "reason": " ", "version": assessment.version})
    assert response.status_code == 400 and "Isi alasannya agar petugas" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == VerificationStatus.SUBMITTED
    reason = "Kebutuhan pendidikan anak belum dinilai."
    client.post(decide_url(assessment), {"decision": "tolak", "reason": reason, "version": assessment.version})
    assessment.refresh_from_db()
    earlier.refresh_from_db()
    assert assessment.status == VerificationStatus.REJECTED and assessment.rejection_reason == reason
    assert not assessment.is_latest and earlier.is_latest  # matching reads the earlier visit again
    assert reason in client.get(detail_url(assessment)).content.decode()
    officer = client_for(users["kel.wates"])
    assert reason in officer.get(household.get_absolute_url()).content.decode()
    assert reason in officer.get(household.members.get().get_absolute_url()).content.decode()
    # The officer fixes it and submits again: the reason is cleared, it is the latest again.
    services.assessment_submit(assessment, acting_user=users["kel.wates"])
    assessment.refresh_from_db()
    assert assessment.is_latest and assessment.rejection_reason == "" and assessment.verified_by is None


def test_a_second_click_or_another_managers_decision_changes_nothing(users, client_for, household):
    assessment = submitted(household, users["kel.wates"])
    shown = assessment.version
    client = client_for(users["manajer"])
    client.post(decide_url(assessment), {"decision": "verifikasi", "version": shown})
    again = client.post(decide_url(assessment), {"decision": "tolak", "reason": "salah", "version": shown}, follow=True)
    assert "berubah setelah Anda membukanya" in again.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == VerificationStatus.VERIFIED and assessment.rejection_reason == ""
    updates = LogEntry.objects.get_for_object(assessment).filter(action=LogEntry.Action.UPDATE)
    assert [e.changes["status"][1] for e in updates.order_by("timestamp", "pk")] == ["submitted", "verified"]


def test_scoping_of_the_decision(users, client_for, household):
    assessment = submitted(household, users["kel.wates"])
    other_manager = UserFactory(username="manajer.kranggan", role=Role.MANAGER, region_id="35.76.03")
    data = {"decision": "verifikasi", "version": assessment.version}
    assert client_for(other_manager).get(detail_url(assessment)).status_code == 404
    assert client_for(other_manager).post(decide_url(assessment), data).status_code == 404
    for name in ("kel.kranggan", "dinkes"):
        assert client_for(users[name]).post(decide_url(assessment), data).status_code == 404
    for name in ("kel.wates", "loket"):  # in scope, but not managers
        client = client_for(users[name])
        assert decide_url(assessment) not in client.get(detail_url(assessment)).content.decode()
        assert client.post(decide_url(assessment), data).status_code == 403
    assert client_for(users["manajer"]).get(decide_url(assessment)).status_code == 405
    assessment.refresh_from_db()
    assert assessment.status == VerificationStatus.SUBMITTED


def test_a_manager_does_not_verify_their_own_assessment(users, client_for, household):
    own = submitted(household, users["manajer"])
    client = client_for(users["manajer"])
    assert decide_url(own) not in client.get(detail_url(own)).content.decode()
    assert client.post(decide_url(own), {"decision": "verifikasi", "version": own.version}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.assessment_verify(own, acting_user=users["manajer"])
    own.refresh_from_db()
    assert own.status == VerificationStatus.SUBMITTED


def test_only_a_submitted_assessment_is_decided(users, household):
    draft = services.assessment_create(
        household, data={"visited_on": datetime.date(2026, 12, 1)}, needs=[], acting_user=users["kel.wates"]
    )
    with pytest.raises(ValidationError):
        services.assessment_verify(draft, acting_user=users["manajer"])
    with pytest.raises(ValidationError):
        services.assessment_reject(draft, acting_user=users["manajer"], reason="x")
    assert Assessment.objects.get().status == VerificationStatus.DRAFT


def test_the_panel_keeps_who_came_along_with_the_visit_not_with_the_verification(users, client_for, household):
    """ "(bersama Pak RT)" follows the visit and its assessor; after the verifier it read as if the
    manager had verified it with Pak RT."""
    assessment = submitted(household, users["kel.wates"])
    Assessment.objects.filter(pk=assessment.pk).update(companions="Pak RT")
    services.assessment_verify(Assessment.objects.get(pk=assessment.pk), acting_user=users["manajer"])
    manager = users["manajer"].get_full_name()
    for url in (household.get_absolute_url(), household.members.get().get_absolute_url()):
        page = client_for(users["kel.wates"]).get(url).content.decode()
        visit, verification = page.index("(bersama Pak RT)"), page.index(f"oleh {manager}, ")
        assert visit < verification, url
