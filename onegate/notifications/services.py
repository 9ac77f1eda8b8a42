"""Creating notifications, reading them, and sending their emails.

Emails go out in a step of their own (:func:`send_pending_emails`, run by Celery beat every
minute and right after the jobs that notify): it takes unsent rows one at a time with
``SELECT … FOR UPDATE SKIP LOCKED``, sends, and stamps ``emailed_at`` in the same transaction. Two
workers never take the same row, and a row whose sending failed or was interrupted stays unsent
for the next run. The one window for a repeat is a crash between the mail server accepting the
message and the commit, a fraction of a second."""

import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from onegate.web.links import absolute_url

from .models import Notification

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 5


def office_language():
    """Notifications and their emails are written in the office's language, whoever's action
    (or which job) caused them."""
    return translation.override(settings.LANGUAGE_CODE)


def notify(users, *, about, kind: str, title: str, body: str = "", url: str = "", level: int = 0) -> list[Notification]:
    """Notify each active user about ``about`` once per kind and level; returns the new rows
    (none for users who already had this notification)."""
    subject_type = ContentType.objects.get_for_model(about)
    created = []
    for user in {u.pk: u for u in users if u.is_active}.values():
        notification, new = Notification.objects.get_or_create(
            user=user, kind=kind, subject_type=subject_type, subject_id=about.pk, level=level,
            defaults={"title": title[:200], "body": body, "url": url, "email_to": user.email},
        )
        if new:
            created.append(notification)
    return created


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def _pending():
    return Notification.objects.filter(emailed_at__isnull=True, email_attempts__lt=MAX_EMAIL_ATTEMPTS).exclude(email_to="")


def _email_text(notification: Notification) -> str:
    lines = [notification.title, ""]
    if notification.body:
        lines += [notification.body, ""]
    if notification.url:
        lines += [absolute_url(notification.url), ""]
    with office_language():
        lines.append(_("You receive this email because you work in OneGate. Your notifications are on the portal's Notifications page."))
    return "\n".join(lines)


def send_pending_emails(limit: int = 500) -> int:
    """Send up to ``limit`` unsent notification emails, one row per transaction; returns how many
    went out. Safe to run in several workers at once."""
    sent, tried = 0, []
    for _i in range(limit):
        with transaction.atomic():
            row = _pending().exclude(pk__in=tried).select_for_update(skip_locked=True).order_by("created_at", "pk").first()
            if row is None:
                break
            tried.append(row.pk)
            row.email_attempts += 1
            try:
                send_mail(f"[OneGate] {row.title}", _email_text(row), None, [row.email_to])
            except Exception:  # the server refused or is down: keep the row for the next run
                logger.exception("notification %s: email to %s failed (attempt %s)", row.pk, row.email_to, row.email_attempts)
                row.save(update_fields=["email_attempts"])
                continue
            row.emailed_at = timezone.now()
            row.save(update_fields=["email_attempts", "emailed_at"])
            sent += 1
    return sent
