"""Messages to residents by SMS or WhatsApp: their consent, the templates, the outbox and opt-outs.

The outbox row is the truth of a message: written in the transaction of the event it tells (a
complaint received, referred, finished) under a unique key, so an event told twice is one row; the
Celery message only names the row, and the sweep sends again what Redis lost (onegate/jobs.py).
The module knows nothing of complaints: a message is *about* a topic ("complaint") and its id, with
the reference the resident knows (the ticket number) and the region that scopes it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class Event(models.TextChoices):
    RECEIVED = "diterima", _("Complaint received")
    REFERRED = "dirujuk", _("Complaint referred")
    RESOLVED = "selesai", _("Complaint resolved")
    CLOSED = "ditutup", _("Complaint closed")


class Consent(models.Model):
    """A resident's agreement to hear about one complaint on one phone number, as given at intake."""

    topic = models.CharField(_("about"), max_length=20)
    topic_id = models.PositiveBigIntegerField(_("about (id)"))
    reference = models.CharField(_("reference"), max_length=30)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(_("phone"), max_length=20, help_text=_("Digits only, 08…"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the resident on the online form."),
    )
    source = models.CharField(_("where given"), max_length=20)

    class Meta:
        verbose_name = _("consent to messages")
        verbose_name_plural = _("consents to messages")
        constraints = [models.UniqueConstraint(fields=["topic", "topic_id"], name="consent_one_per_topic")]

    def __str__(self):
        return self.reference


class OptOut(models.Model):
    """A phone number that receives no more messages (the resident replied STOP or asked on the
    status page)."""

    phone = models.CharField(_("phone"), max_length=20, unique=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    source = models.CharField(_("how"), max_length=20)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")

    def __str__(self):
        from onegate.phones import mask_phone

        return mask_phone(self.phone)


class MessageTemplate(models.Model):
    """The words of one event's message, in Indonesian, edited by administrators. Django template
    syntax with only {{ ticket }}, {{ status }}, {{ url }} and {{ note }} and the if tag."""

    event = models.CharField(_("event"), max_length=10, choices=Event.choices, unique=True)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Variables: {{ ticket }}, {{ status }}, {{ url }}, {{ note }}; the tag {% if note %}…{% endif %}. "
            "No names or other personal data: the message may be read by anyone holding the phone."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["event"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self):
        return self.get_event_display()

    def clean(self):
        from .templating import check_template

        check_template(self.body)


class MessageStatus(models.TextChoices):
    QUEUED = "antri", _("Queued")
    SENDING = "mengirim", _("Sending")
    SENT = "terkirim", _("Sent")
    DELIVERED = "diterima", _("Delivered")
    FAILED = "gagal", _("Failed")
    HELD = "ditahan", _("Held")
    CANCELLED = "batal", _("Cancelled")


class Message(models.Model):
    """One message in the outbox. ``key`` makes it once-only (``complaint:12:diterima``); a worker
    claims a queued row (``claim`` changes with every claim, so a worker the sweep gave up on cannot
    record its late result), the gateway's answer or the provider's receipt move it on."""

    key = models.CharField(_("key"), max_length=80, unique=True)
    topic = models.CharField(_("about"), max_length=20)
    topic_id = models.PositiveBigIntegerField(_("about (id)"))
    reference = models.CharField(_("reference"), max_length=30)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    event = models.CharField(_("event"), max_length=10, choices=Event.choices)
    phone = models.CharField(_("phone"), max_length=20)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    reason = models.CharField(_("reason"), max_length=200, blank=True, help_text=_("Why it is held or cancelled."))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    due_at = models.DateTimeField(_("due at"), default=timezone.now, help_text=_("When it may be sent (next try)."))
    claim = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    provider_id = models.CharField(_("provider id"), max_length=100, blank=True)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message to a resident")
        verbose_name_plural = _("messages to residents")
        indexes = [
            models.Index(fields=["topic", "topic_id"], name="message_topic"),
            models.Index(fields=["status", "due_at"], name="message_status_due"),
            models.Index(fields=["phone", "claimed_at"], name="message_phone_claimed"),
            models.Index(fields=["provider_id"], name="message_provider_id", condition=~models.Q(provider_id="")),
        ]

    def __str__(self):
        return self.key
