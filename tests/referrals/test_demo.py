"""The referral demo step: referrals in every state from demo complaints and people to Dinkes,
Disdukcapil and other agencies, some overdue with notifications; running it again adds nothing."""

import pytest
from django.core.management import call_command

from onegate import scoping
from onegate.accounts.models import User
from onegate.notifications.models import Notification
from referrals.models import Referral, ReferralStatus


@pytest.mark.django_db
def test_the_demo_has_referrals_in_every_state_and_overdue_work_for_the_demo_accounts(capsys):
    call_command("seed_demo")
    counts = (Referral.objects.count(), Notification.objects.count())
    call_command("seed_demo")
    assert "referrals already there, kept" in capsys.readouterr().out
    assert (Referral.objects.count(), Notification.objects.count()) == counts
    assert set(Referral.objects.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert Referral.objects.exclude(agency__code__in=["dinkes", "disdukcapil"]).exclude(status="draf").count() >= 5
    assert (
        Referral.objects.filter(complaint__isnull=False).exists()
        and Referral.objects.filter(complaint__isnull=True).exists()
    )
    users = {u.username: u for u in User.objects.filter(username__in=["dinkes", "disdukcapil", "manajer", "loket"])}
    for username in ("dinkes", "disdukcapil", "manajer"):
        visible = scoping.restrict(Referral.objects.all(), users[username])
        assert visible.filter(status__in=["dikirim", "diterima", "diproses"]).exists(), username
        assert visible.filter(escalation_level__gte=1).exists(), username
        assert Notification.objects.filter(user=users[username], kind="referral-overdue").exists(), username
    assert Notification.objects.filter(user=users["manajer"], level=2).exists()
    assert Notification.objects.filter(user=users["loket"], kind="complaint-ready-to-close").exists()
    for referral in Referral.objects.filter(complaint__isnull=False, sent_at__isnull=False).select_related("complaint"):
        assert referral.complaint.received_at < referral.sent_at  # the story is told in order
        assert referral.finished_at is None or referral.sent_at < referral.finished_at


@pytest.mark.django_db
def test_the_demo_office_asks_for_the_managers_decision_and_shows_it_in_every_state():
    from referrals import decisions
    from referrals.models import Decision, ReferralSettings

    call_command("seed_demo")
    assert ReferralSettings.current().decision_required
    assert Referral.objects.filter(status=ReferralStatus.DRAFT, decision="").exists()
    assert Referral.objects.filter(status=ReferralStatus.DRAFT, decision=Decision.REJECTED).exists()
    assert Referral.objects.filter(status=ReferralStatus.SENT, decision=Decision.APPROVED).exists()
    for username in ("manajer", "manajer.magersari"):
        assert decisions.waiting_count(User.objects.get(username=username)) > 0, username
    # An administrator's choice is kept when the demo runs again.
    ReferralSettings.objects.filter(pk=1).update(decision_required=False)
    call_command("seed_demo")
    assert not ReferralSettings.current().decision_required
