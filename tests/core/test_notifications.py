"""In-portal notifications: once per matter, the unread count in the menu bar, the list of one's
own notifications, opening one marks it read; the email step skips rows another worker holds."""

import threading

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse

from onegate.notifications.models import Notification
from onegate.notifications.services import notify, send_pending_emails


@pytest.fixture
def agency(users):
    return users["dinkes"].agency


def test_a_matter_reaches_a_user_once_per_kind_and_level(users, agency):
    first = notify([users["manajer"], users["manajer"], users["dinkes"]], about=agency, kind="uji", title="Satu")
    again = notify([users["manajer"], users["dinkes"]], about=agency, kind="uji", title="Satu lagi")
    higher = notify([users["manajer"]], about=agency, kind="uji", level=2, title="Eskalasi")
    assert (len(first), len(again), len(higher)) == (2, 0, 1)
    assert Notification.objects.filter(user=users["manajer"]).count() == 2
    assert Notification.objects.get(user=users["dinkes"]).email_to == "dinkes@example.test"


def test_the_menu_bar_shows_the_unread_count_and_the_list_only_ones_own(users, agency, client_for):
    notify(
        [users["manajer"]], about=agency, kind="a", title="Rujukan 460/0001 terlambat", url=reverse("referrals:list")
    )
    notify([users["manajer"]], about=agency, kind="b", title="Pengaduan siap ditutup", url="/pengaduan/")
    notify([users["dinkes"]], about=agency, kind="a", title="Milik Dinkes")
    client = client_for(users["manajer"])
    home = client.get(reverse("home")).content.decode()
    assert 'id="unread-count">2<' in home
    page = client.get(reverse("notifications:list"))
    body = page.content.decode()
    assert "Rujukan 460/0001 terlambat" in body and "Pengaduan siap ditutup" in body and "Milik Dinkes" not in body


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(users, agency, client_for):
    [mine] = notify([users["manajer"]], about=agency, kind="a", title="Terlambat", url=reverse("referrals:list"))
    [theirs] = notify([users["dinkes"]], about=agency, kind="a", title="Milik Dinkes", url=reverse("referrals:list"))
    client = client_for(users["manajer"])
    response = client.get(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("referrals:list")
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert 'id="unread-count"' not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_notification_never_redirects_off_the_portal(users, agency, client_for):
    [notice] = notify([users["manajer"]], about=agency, kind="a", title="Aneh", url="https://evil.example/")
    response = client_for(users["manajer"]).get(reverse("notifications:open", args=[notice.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_mark_all_as_read(users, agency, client_for):
    notify([users["manajer"]], about=agency, kind="a", title="Satu")
    notify([users["manajer"]], about=agency, kind="b", title="Dua")
    notify([users["dinkes"]], about=agency, kind="a", title="Tiga")
    client = client_for(users["manajer"])
    assert client.get(reverse("notifications:mark-all-read")).status_code == 405
    assert client.post(reverse("notifications:mark-all-read")).status_code == 302
    assert not Notification.objects.filter(user=users["manajer"], read_at__isnull=True).exists()
    assert Notification.objects.filter(user=users["dinkes"], read_at__isnull=True).exists()


def test_the_list_needs_a_login(client, db):
    assert client.get(reverse("notifications:list")).status_code == 302


def test_the_email_step_skips_a_row_another_worker_holds(transactional_db, users, agency):
    held, free = notify([users["manajer"], users["dinkes"]], about=agency, kind="a", title="Terlambat")
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        with transaction.atomic():
            Notification.objects.select_for_update().get(pk=held.pk)
            locked.set()
            release.wait(timeout=30)
        connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(timeout=30)
        assert send_pending_emails() == 1  # does not wait for, nor send, the held row
        assert [m.to for m in mail.outbox] == [[free.email_to]]
    finally:
        release.set()
        thread.join()
    assert send_pending_emails() == 1 and len(mail.outbox) == 2
    assert send_pending_emails() == 0
