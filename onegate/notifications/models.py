"""A notification to one user about one object (a referral, a complaint…), shown in the portal
and sent by email. The email's state is a column here, not a queued message: a lost broker
message or a crashed worker leaves the row unsent, and the next sending run picks it up."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40, help_text=_("What happened, e.g. referral-overdue."))
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    level = models.PositiveSmallIntegerField(
        _("level"), default=0, help_text=_("Higher for an escalation of the same matter.")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The address when the notification was made; empty: no email for this user.
    email_to = models.EmailField(_("email to"), blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("email attempts"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            # The same matter at the same level reaches a user once, however often a job runs.
            models.UniqueConstraint(
                fields=["user", "kind", "subject_type", "subject_id", "level"], name="notification_once_per_matter"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"),
            models.Index(
                fields=["created_at"],
                condition=Q(emailed_at__isnull=True) & ~Q(email_to=""),
                name="notification_email_pending",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
