"""The service decision (penetapan layanan): when the office's setting asks for it, a draft is a
recommendation that only a manager in its scope approves or rejects, and only an approved one is
sent; the decision, its maker and time are on the referral, its timeline and the letter. With the
setting off nothing changes."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from complaints.models import ComplaintEvent
from onegate.accounts.models import Role
from onegate.audit.models import LogEntry
from onegate.notifications.models import Notification
from referrals import decisions, services
from referrals.models import Decision, Referral, ReferralEventKind, ReferralSettings, ReferralStatus
from tests.factories import UserFactory
from tests.referrals.conftest import draft
from tests.referrals.test_letter import one_line, pdf_text

WAITING_TEXT = "waits for the manager's decision"


@pytest.fixture(autouse=True)
def english(client):
    """The pages and messages in English here (the letter stays in the office's language)."""
    client.cookies["django_language"] = "en"
    translation.activate("en")
    yield
    translation.deactivate()  # a request left English active in this thread: the next tests expect the default


@pytest.fixture
def decisions_on(db):
    ReferralSettings.objects.update_or_create(pk=1, defaults={"decision_required": True})


@pytest.fixture
def kecamatan_manager(users):
    """A second manager whose scope (Kecamatan Magersari) holds Wates."""
    return UserFactory(username="manajer.magersari", role=Role.MANAGER, region_id="35.76.02")


@pytest.fixture
def other_manager(users):
    """A manager of Kecamatan Prajurit Kulon: Wates lies outside their scope."""
    return UserFactory(username="manajer.prajuritkulon", role=Role.MANAGER, region_id="35.76.03")


def decide(referral, user, decision=Decision.APPROVED, note=""):
    return decisions.referral_decide(referral, decision=decision, note=note, acting_user=user)


def post_decision(client, referral, decision=Decision.APPROVED, note="", version=None):
    return client.post(
        reverse("referrals:decide", args=[referral.pk]),
        {"decision": decision, "note": note, "version": referral.version if version is None else version},
    )


# --- The setting -------------------------------------------------------------------------------
def test_the_setting_is_off_by_default_and_nothing_changes(users, client_for, directory, complaint):
    assert ReferralSettings.objects.get().decision_required is False  # the migration's row
    referral = draft(users["loket"], directory["pbi"], complaint=complaint)
    page = client_for(users["manajer"]).get(referral.get_absolute_url()).content.decode()
    assert 'id="decision-section"' not in page and 'id="send-title"' in page
    assert "penetapan" not in client_for(users["manajer"]).get(reverse("referrals:list")).content.decode()
    assert 'id="home-decisions"' not in client_for(users["manajer"]).get("/").content.decode()
    with pytest.raises(ValidationError):
        decide(referral, users["manajer"])  # nothing to decide
    assert services.referral_send(referral, acting_user=users["loket"]).status == ReferralStatus.SENT


def test_an_administrator_turns_the_setting_on_in_the_admin_and_it_is_audited(users, client_for):
    admin = client_for(users["admin"])
    url = reverse("admin:referrals_referralsettings_change", args=[1])
    assert admin.get(url).status_code == 200
    response = admin.post(url, {"decision_required": "on"})
    assert response.status_code == 302
    assert decisions.decision_required() is True
    entry = LogEntry.objects.filter(content_type__model="referralsettings").latest("timestamp")
    assert entry.actor == users["admin"] and "decision_required" in entry.changes_dict
    assert admin.get(reverse("admin:referrals_referralsettings_add")).status_code == 403  # one row
    assert client_for(users["manajer"]).get(url).status_code in (302, 403)


# --- Sending needs the decision ----------------------------------------------------------------
def test_with_the_setting_on_a_draft_is_not_sent_without_the_managers_decision(
    users, client_for, directory, complaint, decisions_on
):
    referral = draft(users["loket"], directory["pbi"], complaint=complaint)
    with pytest.raises(ValidationError, match="waits for the manager's decision"):
        services.referral_send(referral, acting_user=users["loket"])
    with pytest.raises(ValidationError):
        services.referral_send(referral, acting_user=users["manajer"])  # not even by a manager
    desk = client_for(users["loket"])
    page = desk.get(referral.get_absolute_url()).content.decode()
    assert WAITING_TEXT in page and 'id="send-title"' not in page and f"Service recommendation #{referral.pk}" in page
    response = desk.post(reverse("referrals:send", args=[referral.pk]), {"note": ""})
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT and referral.number is None


def test_approved_the_recommendation_is_sent_and_the_decision_shows_on_the_timeline_and_in_the_letter(
    users, client_for, directory, complaint, decisions_on
):
    referral = draft(users["loket"], directory["pbi"], complaint=complaint)
    manager = client_for(users["manajer"])
    page = manager.get(referral.get_absolute_url()).content.decode()
    assert 'id="decision-section"' in page and 'id="send-title"' not in page
    response = post_decision(manager, referral, note="Sesuai hasil asesmen.")
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.decision, referral.decided_by, referral.decision_note) == (
        Decision.APPROVED,
        users["manajer"],
        "Sesuai hasil asesmen.",
    )
    assert referral.decided_at is not None and referral.version == 2 and referral.status == ReferralStatus.DRAFT
    event = referral.events.get(kind=ReferralEventKind.APPROVED)
    assert (event.actor, event.note) == (users["manajer"], "Sesuai hasil asesmen.")
    assert ComplaintEvent.objects.filter(complaint=complaint, note__contains="Service decision: approved").exists()
    entry = LogEntry.objects.get_for_object(referral).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["decision"][1] == Decision.APPROVED
    assert entry.actor == users["manajer"]
    assert Notification.objects.filter(user=users["loket"], kind=decisions.KIND_DECIDED).exists()

    desk = client_for(users["loket"])
    page = desk.get(referral.get_absolute_url()).content.decode()
    assert 'id="send-title"' in page and 'id="decision-record"' in page and "Approved by" in page
    assert desk.post(reverse("referrals:send", args=[referral.pk]), {"note": ""}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT and referral.number

    letter = manager.get(reverse("referrals:letter", args=[referral.pk]))
    name = users["manajer"].get_full_name() or "manajer"
    when = referral.decided_at.astimezone().strftime("%d/%m/%Y")
    assert f"Penetapan layanan Ditetapkan oleh {name}, Manajer Dinsos, pada {when}." in one_line(pdf_text(letter))
    # The agency sees the decision once the referral is sent: in its timeline and the letter.
    agency_page = client_for(users["dinkes"]).get(referral.get_absolute_url()).content.decode()
    assert "Service decision: approved" in agency_page


def test_rejected_the_recommendation_is_closed_and_never_sent(users, client_for, directory, complaint, decisions_on):
    referral = draft(users["loket"], directory["pbi"], complaint=complaint)
    manager = client_for(users["manajer"])
    response = post_decision(manager, referral, Decision.REJECTED, note="")
    assert response.status_code == 400 and "Write why the recommendation is not approved." in response.content.decode()
    with pytest.raises(ValidationError):
        decide(referral, users["manajer"], Decision.REJECTED, note="  ")
    assert post_decision(manager, referral, Decision.REJECTED, note="Sudah menerima PBI-JK.").status_code == 302
    referral.refresh_from_db()
    assert referral.is_closed_recommendation and referral.status == ReferralStatus.DRAFT
    assert referral.events.filter(kind=ReferralEventKind.REJECTED, note="Sudah menerima PBI-JK.").exists()
    with pytest.raises(ValidationError, match="did not approve"):
        services.referral_send(referral, acting_user=users["loket"])
    with pytest.raises(ValidationError):
        services.referral_update_draft(
            referral, data={"service": directory["pbi"], "reason": "x", "request": "y"}, acting_user=users["loket"]
        )
    with pytest.raises(ValidationError):  # another decision on it
        decide(referral, users["manajer"])
    desk = client_for(users["loket"])
    page = desk.get(referral.get_absolute_url()).content.decode()
    assert 'id="decision-rejected"' in page and "Sudah menerima PBI-JK." in page
    assert 'id="send-title"' not in page and "Change the draft" not in page
    assert desk.get(reverse("referrals:edit", args=[referral.pk])).status_code == 302
    # The rejection stays final when the office turns the setting off later.
    ReferralSettings.objects.filter(pk=1).update(decision_required=False)
    with pytest.raises(ValidationError):
        services.referral_send(referral, acting_user=users["loket"])
    assert 'id="send-title"' not in desk.get(referral.get_absolute_url()).content.decode()


# --- Who decides -------------------------------------------------------------------------------
@pytest.mark.parametrize("username", ["loket", "kel.wates"])
def test_only_a_manager_decides(users, client_for, directory, wates_person, decisions_on, username):
    referral = draft(users["kel.wates"], directory["pbi"], person=wates_person)
    assert post_decision(client_for(users[username]), referral).status_code == 403
    with pytest.raises(PermissionDenied):
        decide(referral, users[username])
    assert 'id="decision-section"' not in client_for(users[username]).get(referral.get_absolute_url()).content.decode()
    referral.refresh_from_db()
    assert referral.decision == ""


def test_a_manager_out_of_scope_gets_404_and_the_agency_never_sees_recommendations(
    users, client_for, directory, wates_person, decisions_on, other_manager
):
    waiting = draft(users["kel.wates"], directory["pbi"], person=wates_person)
    approved = draft(users["kel.wates"], directory["pbi"], person=wates_person)
    decide(approved, users["manajer"])
    assert post_decision(client_for(other_manager), waiting).status_code == 404
    with pytest.raises(PermissionDenied):
        decide(waiting, other_manager)
    assert decisions.waiting_count(other_manager) == 0
    dinkes = client_for(users["dinkes"])
    for referral in (waiting, approved):
        assert dinkes.get(referral.get_absolute_url()).status_code == 404
        assert post_decision(dinkes, referral).status_code == 404
    inbox = dinkes.get(reverse("referrals:list")).content.decode()
    assert f"#{waiting.pk}" not in inbox and f"#{approved.pk}" not in inbox and "penetapan" not in inbox


def test_a_manager_does_not_approve_their_own_recommendation(
    users, client_for, directory, wates_person, decisions_on, kecamatan_manager
):
    referral = draft(users["manajer"], directory["pbi"], person=wates_person)
    with pytest.raises(PermissionDenied):
        decide(referral, users["manajer"])
    page = client_for(users["manajer"]).get(referral.get_absolute_url()).content.decode()
    assert "another manager decides on it" in page and 'id="decision-section"' not in page
    assert (kecamatan_manager.get_full_name() or kecamatan_manager.username) in page  # who can
    assert post_decision(client_for(users["manajer"]), referral).status_code == 403
    decide(referral, kecamatan_manager)  # another manager whose scope holds it
    referral.refresh_from_db()
    assert referral.decided_by == kecamatan_manager


# --- Double clicks, conflicts, changes ---------------------------------------------------------
def test_a_double_click_records_the_decision_once(users, client_for, directory, complaint, decisions_on):
    referral = draft(users["loket"], directory["pbi"], complaint=complaint)
    manager = client_for(users["manajer"])
    first = post_decision(manager, referral, note="OK")
    second = post_decision(manager, referral, note="OK")  # the same page's version, once more
    assert first.status_code == second.status_code == 302
    assert referral.events.filter(kind=ReferralEventKind.APPROVED).count() == 1
    referral.refresh_from_db()
    assert referral.version == 2
    # A different decision on a decided recommendation is refused, saying who decided.
    response = post_decision(manager, referral, Decision.REJECTED, note="Tidak jadi", version=referral.version)
    assert response.status_code == 400 and "already decided" in response.content.decode()


def test_a_draft_changed_since_the_manager_opened_it_shows_the_conflict(
    users, client_for, directory, complaint, decisions_on
):
    referral = draft(users["loket"], directory["pbi"], complaint=complaint)
    seen = referral.version
    services.referral_update_draft(
        referral,
        data={"service": directory["ktp"], "reason": "KTP hilang.", "request": "Cetak ulang.", "consent_given": False},
        acting_user=users["loket"],
    )
    response = post_decision(client_for(users["manajer"]), referral, version=seen)
    assert response.status_code == 409 and "KTP hilang." in response.content.decode()
    referral.refresh_from_db()
    assert referral.decision == ""


def test_an_approved_draft_changed_afterwards_waits_for_a_new_decision(
    users, client_for, directory, complaint, decisions_on
):
    referral = draft(users["loket"], directory["pbi"], complaint=complaint)
    decide(referral, users["manajer"])
    referral.refresh_from_db()
    form = client_for(users["loket"]).get(reverse("referrals:edit", args=[referral.pk])).content.decode()
    assert "a change makes it wait for a new decision" in form
    same = {"service": directory["pbi"], "reason": referral.reason, "request": referral.request, "consent_given": False}
    services.referral_update_draft(referral, data=same, acting_user=users["loket"])  # nothing changed
    referral.refresh_from_db()
    assert referral.decision == Decision.APPROVED
    services.referral_update_draft(referral, data={**same, "service": directory["ktp"]}, acting_user=users["loket"])
    referral.refresh_from_db()
    assert (referral.decision, referral.decided_by, referral.decided_at) == ("", None, None)
    assert referral.events.filter(kind=ReferralEventKind.DECISION_RESET).exists()
    with pytest.raises(ValidationError):
        services.referral_send(referral, acting_user=users["loket"])
    decide(referral, users["manajer"])  # decided again
    assert services.referral_send(referral, acting_user=users["loket"]).status == ReferralStatus.SENT


# --- The manager's queue -----------------------------------------------------------------------
def test_the_managers_queue_and_home_count_the_recommendations_waiting_in_scope(
    users, client_for, directory, wates_person, complaint, decisions_on, other_manager
):
    waiting = [draft(users["kel.wates"], directory["pbi"], person=wates_person) for _ in range(2)]
    approved = draft(users["loket"], directory["ktp"], complaint=complaint)
    decide(approved, users["manajer"])
    rejected = draft(users["loket"], directory["pbi"], person=wates_person)
    decide(rejected, users["manajer"], Decision.REJECTED, note="Tidak memenuhi syarat.")
    sent_one = draft(users["loket"], directory["pbi"], person=wates_person)
    decide(sent_one, users["manajer"])
    services.referral_send(sent_one, acting_user=users["loket"])
    assert decisions.waiting_count(users["manajer"]) == 2
    assert decisions.waiting_count(users["loket"]) is None  # not a decider

    manager = client_for(users["manajer"])
    home = manager.get("/").content.decode()
    assert 'id="home-decisions"' in home and "2 recommendations in your area wait" in home
    listing = manager.get(reverse("referrals:list")).content.decode()
    assert 'id="decision-queue-link"' in listing and "Waiting for a decision" in listing
    queue = manager.get(reverse("referrals:list"), {"penetapan": "menunggu"}).content.decode()
    for referral in waiting:
        assert f'href="/rujukan/{referral.pk}/"' in queue
    for referral in (approved, rejected, sent_one):
        assert f'href="/rujukan/{referral.pk}/"' not in queue
    not_approved = manager.get(reverse("referrals:list"), {"penetapan": "tidak_ditetapkan"}).content.decode()
    assert f'href="/rujukan/{rejected.pk}/"' in not_approved and f'href="/rujukan/{approved.pk}/"' not in not_approved
    person_page = manager.get(wates_person.get_absolute_url()).content.decode()
    assert f"Service recommendation #{waiting[0].pk}" in person_page and "Waiting for a decision" in person_page
    complaint_page = manager.get(complaint.get_absolute_url()).content.decode()
    assert f"Service recommendation #{approved.pk}" in complaint_page and "Approved" in complaint_page
    other_home = client_for(other_manager).get("/").content.decode()
    assert "No recommendation waits for a decision." in other_home
    assert not Referral.objects.filter(pk__in=[r.pk for r in waiting]).exclude(number=None).exists()


@pytest.mark.django_db(transaction=True)
def test_two_managers_deciding_at_the_same_moment_record_one_decision(
    users, directory, wates_person, kecamatan_manager
):
    ReferralSettings.objects.update_or_create(pk=1, defaults={"decision_required": True})
    referral = draft(users["kel.wates"], directory["pbi"], person=wates_person)
    barrier, outcomes = threading.Barrier(2), {}

    def manager(user, decision):
        try:
            barrier.wait()
            with translation.override("en"):
                decisions.referral_decide(
                    referral, decision=decision, note="Alasan.", acting_user=user, expected_version=referral.version
                )
            outcomes[user.username] = "decided"
        except ValidationError as exc:
            outcomes[user.username] = exc.messages[0]
        finally:
            connection.close()

    threads = [
        threading.Thread(target=manager, args=(users["manajer"], Decision.APPROVED)),
        threading.Thread(target=manager, args=(kecamatan_manager, Decision.REJECTED)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    referral.refresh_from_db()
    winner = referral.decided_by.username
    loser = next(name for name in outcomes if name != winner)
    assert outcomes[winner] == "decided" and "already decided" in outcomes[loser]
    assert referral.events.filter(kind__in=[ReferralEventKind.APPROVED, ReferralEventKind.REJECTED]).count() == 1
    assert referral.version == 2
