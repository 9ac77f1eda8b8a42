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
from django.core.cache import cache
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
            user=user,
            kind=kind,
            subject_type=subject_type,
            subject_id=about.pk,
            level=level,
            defaults={"title": title[:200], "body": body, "url": url, "email_to": user.email},
        )
        if new:
            created.append(notification)
    forget_unread_counts(n.user_id for n in created)
    return created


# The menu bar shows the unread count on every page: it is cached per user and forgotten by the
# functions here whenever it changes (the timeout only covers changes made outside them).
UNREAD_CACHE_SECONDS = 300


def _unread_key(user_id) -> str:
    return f"notifications:unread:{user_id}"


def forget_unread_counts(user_ids) -> None:
    """Drop the cached counts now and again once the transaction commits, so no page caches a count
    read before the change became visible."""
    keys = [_unread_key(pk) for pk in set(user_ids)]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def unread_count(user) -> int:
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
        forget_unread_counts([notification.user_id])


def mark_all_read(user) -> int:
    marked = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    forget_unread_counts([user.pk])
    return marked


def _pending():
    return Notification.objects.filter(emailed_at__isnull=True, email_attempts__lt=MAX_EMAIL_ATTEMPTS).exclude(
        email_to=""
    )


def _email_text(notification: Notification) -> str:
    lines = [notification.title, ""]
    if notification.body:
        lines += [notification.body, ""]
    if notification.url:
        lines += [absolute_url(notification.url), ""]
    with office_language():
        lines.append(
            _(
                "You receive this email because you work in OneGate. Your notifications are on the portal's Notifications page."
            )
        )
    return "\n".join(lines)


def send_pending_emails(limit: int = 500) -> int:
    """Send up to ``limit`` unsent notification emails, one row per transaction; returns how many
    went out. Safe to run in several workers at once."""
    sent, tried = 0, []
    for _i in range(limit):
        with transaction.atomic():
            row = (
                _pending()
                .exclude(pk__in=tried)
                .select_for_update(skip_locked=True)
                .order_by("created_at", "pk")
                .first()
            )
            if row is None:
                break
            tried.append(row.pk)
            row.email_attempts += 1
            try:
                send_mail(f"[OneGate] {row.title}", _email_text(row), None, [row.email_to])
            except Exception:  # the server refused or is down: keep the row for the next run
                logger.exception(
                    "notification %s: email to %s failed (attempt %s)", row.pk, row.email_to, row.email_attempts
                )
                row.save(update_fields=["email_attempts"])
                continue
            row.emailed_at = timezone.now()
            row.save(update_fields=["email_attempts", "emailed_at"])
            sent += 1
    return sent
