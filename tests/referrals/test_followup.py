"""The daily overdue job: who is notified (through scoping), once however often it runs, the
escalation after REFERRAL_ESCALATION_DAYS working days, the emails sent once from the notification
rows, the notice to the complaint's officer when all referrals are finished, and the real Celery
worker path."""

import datetime

import pytest
from django.core import mail

from complaints.models import ComplaintEvent, EventKind
from onegate.accounts.models import Role
from onegate.notifications.models import Notification
from onegate.notifications.services import send_pending_emails
from referrals import followup, services
from referrals.models import Referral, ReferralEventKind, ReferralStatus
from tests.factories import UserFactory
from tests.referrals.conftest import draft, sent

MONDAY = datetime.date(2026, 3, 2)  # no holidays are loaded in these tests: only weekends count
TUESDAY, THURSDAY, NEXT_MONDAY = (
    MONDAY + datetime.timedelta(days=1),
    MONDAY + datetime.timedelta(days=3),
    MONDAY + datetime.timedelta(days=7),
)


def due_on(referral, day):
    Referral.objects.filter(pk=referral.pk).update(due_date=day)
    return referral


def notified(kind=followup.KIND_OVERDUE):
    return sorted((n.user.username, n.level) for n in Notification.objects.filter(kind=kind).select_related("user"))


def test_running_the_job_twice_notifies_and_emails_each_recipient_once(users, directory, complaint):
    referral = due_on(sent(users["loket"], directory["pbi"], complaint=complaint), MONDAY)
    assert followup.check_overdue_referrals(TUESDAY) == {"overdue": 1, "marked": 1, "escalated": 0, "notifications": 2}
    assert send_pending_emails() == 2
    assert followup.check_overdue_referrals(TUESDAY) == {"overdue": 1, "marked": 0, "escalated": 0, "notifications": 0}
    assert send_pending_emails() == 0
    # The agency's officer and the manager whose city holds the referral; not the desk, not other agencies.
    assert notified() == [("dinkes", 1), ("manajer", 1)]
    assert sorted(m.to[0] for m in mail.outbox) == ["dinkes@example.test", "manajer@example.test"]
    message = mail.outbox[0]
    assert referral.number in message.subject and f"/rujukan/{referral.pk}/" in message.body
    assert referral.person_name not in message.subject + message.body  # no personal data leaves by email
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0
    referral.refresh_from_db()
    assert referral.escalation_level == followup.OVERDUE
    assert list(referral.events.filter(kind=ReferralEventKind.OVERDUE).values_list("actor", flat=True)) == [None]
    assert (
        ComplaintEvent.objects.filter(
            complaint=complaint, kind=EventKind.REFERRAL, note__contains=referral.number
        ).count()
        == 2
    )  # sent, overdue


def test_the_jobs_timeline_lines_show_on_the_referral_complaint_and_person_pages(
    users, directory, complaint, wates_person, client_for
):
    referral = due_on(sent(users["loket"], directory["pbi"], complaint=complaint), MONDAY)
    followup.check_overdue_referrals(THURSDAY)
    client = client_for(users["manajer"])
    for url in (referral.get_absolute_url(), complaint.get_absolute_url(), wates_person.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200 and "seharusnya selesai pada 02/03/2026" in response.content.decode(), url


def test_after_the_escalation_days_the_managers_are_notified_again_at_a_higher_level(users, directory, complaint):
    referral = due_on(sent(users["loket"], directory["pbi"], complaint=complaint), MONDAY)
    followup.check_overdue_referrals(TUESDAY)
    send_pending_emails()
    mail.outbox.clear()
    assert followup.check_overdue_referrals(THURSDAY)["escalated"] == 1  # 3 working days past Monday
    followup.check_overdue_referrals(NEXT_MONDAY)  # still escalated once
    assert send_pending_emails() == 1
    assert notified() == [("dinkes", 1), ("manajer", 1), ("manajer", 2)]
    assert [m.to for m in mail.outbox] == [["manajer@example.test"]] and "Eskalasi" in mail.outbox[0].subject
    referral.refresh_from_db()
    assert referral.escalation_level == followup.ESCALATED
    assert referral.events.filter(kind=ReferralEventKind.ESCALATED).count() == 1


def test_a_weekend_does_not_count_towards_the_escalation(users, directory, complaint, settings):
    settings.REFERRAL_ESCALATION_DAYS = 2
    friday = MONDAY - datetime.timedelta(days=3)
    due_on(sent(users["loket"], directory["pbi"], complaint=complaint), friday)
    assert followup.check_overdue_referrals(MONDAY)["escalated"] == 0  # Saturday and Sunday are not working days
    assert followup.check_overdue_referrals(TUESDAY)["escalated"] == 1


def test_a_referral_found_late_gets_both_levels_at_once(users, directory, complaint, settings):
    settings.REFERRAL_ESCALATION_DAYS = 1
    due_on(sent(users["loket"], directory["pbi"], complaint=complaint), MONDAY)
    assert followup.check_overdue_referrals(TUESDAY) == {"overdue": 1, "marked": 1, "escalated": 1, "notifications": 3}
    assert notified() == [("dinkes", 1), ("manajer", 1), ("manajer", 2)]


def test_only_open_overdue_referrals_count_and_only_those_in_scope_are_told(
    users, directory, complaint, wates_person, regions
):
    kranggan_manager = UserFactory(
        username="manajer.prajuritkulon", role=Role.MANAGER, region_id="35.76.03"
    )  # another kecamatan
    UserFactory(username="manajer.cuti", role=Role.MANAGER, region_id="35.76", is_active=False)
    late = due_on(sent(users["loket"], directory["pbi"], complaint=complaint), MONDAY)
    due_on(draft(users["loket"], directory["pbi"], person=wates_person), MONDAY)  # drafts have no due date in force
    not_yet = due_on(sent(users["loket"], directory["ktp"], person=wates_person), TUESDAY)
    finished = sent(users["loket"], directory["ktp"], person=wates_person)
    services.referral_change_status(
        finished, to_status=ReferralStatus.REJECTED, note="Sudah punya KTP-el.", acting_user=users["disdukcapil"]
    )
    due_on(finished, MONDAY)
    assert followup.check_overdue_referrals(TUESDAY)["overdue"] == 1
    assert notified() == [("dinkes", 1), ("manajer", 1)]
    assert not Notification.objects.filter(user=kranggan_manager).exists()
    assert Referral.objects.filter(escalation_level__gt=0).get() == late and not_yet.escalation_level == 0


def test_a_failed_email_stays_pending_and_goes_out_on_the_next_run(users, directory, complaint, monkeypatch):
    due_on(sent(users["loket"], directory["pbi"], complaint=complaint), MONDAY)
    followup.check_overdue_referrals(TUESDAY)
    from onegate.notifications import services as notification_services

    real_send = notification_services.send_mail

    def refuse_dinkes(subject, body, sender, to):
        if to == ["dinkes@example.test"]:
            raise ConnectionRefusedError("mail server down")
        return real_send(subject, body, sender, to)

    monkeypatch.setattr(notification_services, "send_mail", refuse_dinkes)
    assert send_pending_emails() == 1
    pending = Notification.objects.get(emailed_at__isnull=True)
    assert (pending.user, pending.email_attempts) == (users["dinkes"], 1)
    monkeypatch.setattr(notification_services, "send_mail", real_send)
    assert send_pending_emails() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["dinkes@example.test", "manajer@example.test"]


def test_users_without_an_email_address_are_notified_in_the_portal_only(users, directory, complaint):
    users["dinkes"].email = ""
    users["dinkes"].save()
    due_on(sent(users["loket"], directory["pbi"], complaint=complaint), MONDAY)
    followup.check_overdue_referrals(TUESDAY)
    assert send_pending_emails() == 1 and [m.to for m in mail.outbox] == [["manajer@example.test"]]
    assert notified() == [("dinkes", 1), ("manajer", 1)]


def test_the_complaints_officer_is_told_when_every_referral_is_finished(users, directory, complaint):
    from complaints.services import complaint_assign

    complaint_assign(complaint, officer=users["kel.wates"], acting_user=users["manajer"])
    health = sent(users["loket"], directory["pbi"], complaint=complaint)
    ktp = sent(users["loket"], directory["ktp"], complaint=complaint)
    services.referral_change_status(
        health, to_status=ReferralStatus.REJECTED, note="Sudah aktif.", acting_user=users["dinkes"]
    )
    assert not Notification.objects.exists()
    services.referral_change_status(
        ktp, to_status=ReferralStatus.REJECTED, note="Sudah punya KTP-el.", acting_user=users["disdukcapil"]
    )
    notice = Notification.objects.get()
    assert (notice.user, notice.kind, notice.url) == (
        users["kel.wates"],
        followup.KIND_READY_TO_CLOSE,
        complaint.get_absolute_url(),
    )
    assert complaint.ticket_number in notice.title
    assert send_pending_emails() == 1 and mail.outbox[0].to == ["kel.wates@example.test"]


def test_without_an_assigned_officer_the_desk_officer_who_recorded_the_complaint_is_told(users, directory, complaint):
    referral = sent(users["loket"], directory["pbi"], complaint=complaint)
    services.referral_change_status(
        referral, to_status=ReferralStatus.REJECTED, note="Bukan kewenangan.", acting_user=users["dinkes"]
    )
    assert [n.user for n in Notification.objects.all()] == [users["loket"]]


@pytest.mark.celery
def test_the_worker_runs_the_daily_job_and_sends_the_emails(
    transactional_db, celery_worker_queue, users, directory, complaint
):
    from referrals.tasks import check_overdue_referrals

    referral = due_on(sent(users["loket"], directory["pbi"], complaint=complaint), datetime.date(2020, 1, 6))
    result = check_overdue_referrals.delay().get(timeout=60)
    assert result == {"overdue": 1, "marked": 1, "escalated": 1, "notifications": 3, "emails": 3}
    assert notified() == [("dinkes", 1), ("manajer", 1), ("manajer", 2)]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()  # sent by the worker (its console backend)
    assert check_overdue_referrals.delay().get(timeout=60)["notifications"] == 0
    referral.refresh_from_db()
    assert referral.escalation_level == followup.ESCALATED
