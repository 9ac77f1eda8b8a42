"""Telling residents how their complaint goes, by SMS or WhatsApp: consent, queueing, sending once,
receipts, opt-outs and the daily cap. The complaint and referral services call these with plain
function calls; the Celery tasks and the sweep call the sending side.

Lifecycle of a message (``Message.status``): antri (queued) → mengirim (sending: claimed by one
worker) → terkirim (sent: the provider took it) → diterima (delivered: the provider's receipt), or
gagal (failed: refused, or out of attempts); ditahan (held: over the phone's daily cap, sent the next
day) and batal (cancelled: the phone opted out).

- The row is written in the transaction of the event under a unique key: an event told twice
  is one row. The Celery message sent after the commit only names it (onegate/jobs.py).
- A worker *claims* a queued, due row with one locked UPDATE and a fresh claim id; a lost or
  repeated Celery message is harmless. A failed try is queued again after an exponential backoff.
- The sweep (celery beat) re-sends rows queued and due for longer than JOBS_RESEND_SECONDS (Redis
  lost them), releases held rows whose day has come, and takes back rows claimed longer than
  RESIDENT_MESSAGES_CLAIM_TIMEOUT_SECONDS ago (their worker died): the provider gets them again with
  the same Idempotency-Key, and a late answer of the dead worker no longer matches the claim.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from onegate import jobs
from onegate.phones import is_mobile, mask_phone, phone_digits

from . import gateways, templating
from .models import Consent, Message, MessageStatus, MessageTemplate, OptOut

log = logging.getLogger(__name__)
STOP_WORDS = {"STOP", "BERHENTI", "UNREG", "STOP ALL"}
NOTE_LENGTH = 120
# What the provider's receipts may say, and the status each gives the message.
RECEIPT_STATUSES = {
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.DELIVERED,
    "failed": MessageStatus.FAILED,
    "undelivered": MessageStatus.FAILED,
}


# --- Consent and opt-out -------------------------------------------------------------------------
def check_phone(phone: str) -> str:
    """The phone's digits (08…), or a ValidationError if no message can reach it."""
    if not is_mobile(phone):
        raise ValidationError(_("Messages go only to a mobile number (08…, 10 to 13 digits)."))
    return phone_digits(phone)


@transaction.atomic
def record_consent(*, topic, topic_id, reference, region_id, phone, channel, source, acting_user=None) -> Consent:
    """Record that the resident agreed to hear about ``topic`` on ``phone`` by ``channel``. A new
    consent lifts an earlier opt-out of the same phone: the resident asked for messages again."""
    digits = check_phone(phone)
    consent = Consent(
        topic=topic,
        topic_id=topic_id,
        reference=reference,
        region_id=region_id,
        phone=digits,
        channel=channel,
        source=source,
        given_by=acting_user,
    )
    consent.full_clean(exclude=["region", "given_by"], validate_constraints=False)
    consent.save()
    for opt_out in OptOut.objects.filter(phone=digits):
        opt_out.delete()  # audited
    return consent


def consent_for(topic: str, topic_id: int) -> Consent | None:
    return Consent.objects.filter(topic=topic, topic_id=topic_id).first()


@transaction.atomic
def opt_out(phone: str, *, source: str) -> OptOut:
    """No more messages to ``phone``: recorded once, and what waits for it is cancelled."""
    digits = phone_digits(phone)
    if not digits:
        raise ValidationError(_("No phone number."))
    opt_out, _created = OptOut.objects.get_or_create(phone=digits, defaults={"source": source})
    Message.objects.filter(phone=digits, status__in=[MessageStatus.QUEUED, MessageStatus.HELD]).update(
        status=MessageStatus.CANCELLED, reason=_("The resident opted out.")
    )
    return opt_out


def opt_out_topic(topic: str, topic_id: int, *, source: str) -> OptOut | None:
    """Opt out the phone that agreed to hear about ``topic`` (the status page's button)."""
    consent = consent_for(topic, topic_id)
    return opt_out(consent.phone, source=source) if consent else None


def subscription(topic: str, topic_id: int) -> dict | None:
    """What the resident's status page says of their messages: the channel, the masked phone, and
    whether they opted out; None without a consent."""
    consent = consent_for(topic, topic_id)
    if consent is None:
        return None
    return {
        "channel": consent.get_channel_display(),
        "phone": mask_phone(consent.phone),
        "opted_out": OptOut.objects.filter(phone=consent.phone).exists(),
    }


# --- Queueing ------------------------------------------------------------------------------------
def queue(*, topic: str, topic_id: int, event: str, key: str, values: dict) -> Message | None:
    """Put the event's message in the outbox, once per ``key``, if the resident agreed to hear about
    ``topic``; sent to the workers after the commit. ``values``: ticket, status, url, note (nothing
    else reaches the message). None when there is nobody to tell."""
    consent = consent_for(topic, topic_id)
    if consent is None:
        return None
    template = MessageTemplate.objects.filter(event=event).values_list("body", flat=True).first()
    values = {**values, "note": Truncator(values.get("note") or "").chars(NOTE_LENGTH)}
    with translation.override("id"):
        body = templating.render(
            template or templating.DEFAULTS[event], {name: str(value) for name, value in values.items()}
        )
    opted_out = OptOut.objects.filter(phone=consent.phone).exists()
    message, created = Message.objects.get_or_create(
        key=key,
        defaults={
            "topic": topic,
            "topic_id": topic_id,
            "reference": consent.reference,
            "region_id": consent.region_id,
            "event": event,
            "phone": consent.phone,
            "channel": consent.channel,
            "body": body,
            "status": MessageStatus.CANCELLED if opted_out else MessageStatus.QUEUED,
            "reason": _("The resident opted out.") if opted_out else "",
        },
    )
    if created and message.status == MessageStatus.QUEUED:
        transaction.on_commit(lambda: publish(message.pk))
    return message


def publish(message_id: int, countdown: float | None = None) -> None:
    """Hand the message to the workers; if Redis refuses, the row stays queued for the sweep."""
    from .tasks import send_message

    jobs.send(send_message, message_id, countdown=countdown)


# --- Sending (in a worker) -----------------------------------------------------------------------
def _day_start(now: datetime.datetime) -> datetime.datetime:
    """The start of ``now``'s day in the portal's time zone (Asia/Jakarta)."""
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def sent_today(phone: str, now: datetime.datetime, exclude_pk=None) -> int:
    """Messages to ``phone`` handed to the provider (or being handed) since the local day began."""
    counted = [MessageStatus.SENDING, MessageStatus.SENT, MessageStatus.DELIVERED]
    rows = Message.objects.filter(phone=phone, claimed_at__gte=_day_start(now), status__in=counted)
    return rows.exclude(pk=exclude_pk).count()


def claim(message_id: int, now=None) -> Message | None:
    """Take a queued, due message for sending: status "sending", one more attempt, a fresh claim
    id. None when there is nothing to send (already taken, not due, cancelled, or held)."""
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=MessageStatus.QUEUED, due_at__lte=now)
            .first()
        )
        if message is None:
            return None
        if OptOut.objects.filter(phone=message.phone).exists():
            message.status, message.reason = MessageStatus.CANCELLED, _("The resident opted out.")
            message.save(update_fields=["status", "reason"])
            return None
        # The cap is counted under a lock on the phone, so two workers cannot both take the last place.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"notices:{message.phone}"])
        cap = settings.RESIDENT_MESSAGES_DAILY_CAP
        if sent_today(message.phone, now, exclude_pk=message.pk) >= cap:
            message.status = MessageStatus.HELD
            message.reason = _("Over the daily limit of %(cap)s messages to this phone; sent the next day.") % {
                "cap": cap
            }
            message.due_at = _day_start(now) + datetime.timedelta(days=1)
            message.save(update_fields=["status", "reason", "due_at"])
            return None
        message.status, message.reason = MessageStatus.SENDING, ""
        message.attempts += 1
        message.claim, message.claimed_at = uuid.uuid4(), now
        message.save(update_fields=["status", "reason", "attempts", "claim", "claimed_at"])
    return message


def backoff_seconds(attempts: int) -> int:
    """30 s, 1 min, 2 min, 4 min… (settings), at most RESIDENT_MESSAGES_BACKOFF_MAX_SECONDS."""
    base, most = settings.RESIDENT_MESSAGES_BACKOFF_SECONDS, settings.RESIDENT_MESSAGES_BACKOFF_MAX_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), most)


def send(message_id: int) -> str:
    """Claim the message, give it to the gateway, record the answer. What it did, in a word."""
    message = claim(message_id)
    if message is None:
        return "nothing to do"
    outgoing = gateways.Outgoing(key=message.key, channel=message.channel, phone=message.phone, text=message.body)
    try:
        provider_id = gateways.gateway().send(outgoing)
    except Exception as exc:  # the provider, the network or the configuration: recorded, tried again
        return _failed(message, exc)
    now = timezone.now()
    # A receipt may already have said "delivered": the status only moves on from "sending".
    done = Message.objects.filter(pk=message.pk, claim=message.claim).update(
        provider_id=provider_id,
        sent_at=now,
        error="",
        status=Case(When(status=MessageStatus.SENDING, then=Value(MessageStatus.SENT)), default=F("status")),
    )
    return "sent" if done else "sent, but the sweep had taken it back"


def _failed(message: Message, exc: Exception) -> str:
    permanent = getattr(exc, "permanent", False)
    error = str(exc)[:1000] or type(exc).__name__
    last = permanent or message.attempts >= settings.RESIDENT_MESSAGES_MAX_ATTEMPTS
    log.warning("message %s, attempt %s: %s%s", message.key, message.attempts, error, " (gave up)" if last else "")
    mine = Message.objects.filter(pk=message.pk, claim=message.claim, status=MessageStatus.SENDING)
    if last:
        mine.update(status=MessageStatus.FAILED, error=error)
        return "failed"
    delay = backoff_seconds(message.attempts)
    if mine.update(status=MessageStatus.QUEUED, error=error, due_at=timezone.now() + datetime.timedelta(seconds=delay)):
        publish(message.pk, countdown=delay)
    return "retry"


# --- Keeping nothing stuck -----------------------------------------------------------------------
def sweep(now=None) -> dict:
    """Re-send what Redis lost, release held messages whose day came, take back messages claimed by
    a worker that died. Run by celery beat every JOBS_SWEEP_SECONDS."""
    now = now or timezone.now()
    resent = released = taken_back = failed = 0
    to_publish = []
    with transaction.atomic():
        lost = Message.objects.select_for_update(skip_locked=True).filter(
            status=MessageStatus.QUEUED, due_at__lte=now - datetime.timedelta(seconds=settings.JOBS_RESEND_SECONDS)
        )[:500]
        for message in lost:
            message.due_at = now
            message.save(update_fields=["due_at"])
            to_publish.append(message.pk)
            resent += 1
        held = Message.objects.select_for_update(skip_locked=True).filter(status=MessageStatus.HELD, due_at__lte=now)
        for message in held[:500]:
            message.status, message.due_at = MessageStatus.QUEUED, now
            message.save(update_fields=["status", "due_at"])
            to_publish.append(message.pk)
            released += 1
        timeout = datetime.timedelta(seconds=settings.RESIDENT_MESSAGES_CLAIM_TIMEOUT_SECONDS)
        stalled = Message.objects.select_for_update(skip_locked=True).filter(
            status=MessageStatus.SENDING, claimed_at__lt=now - timeout
        )
        for message in stalled[:500]:
            message.claim = None
            message.error = _("The worker sending it stopped without an answer; sent again with the same key.")
            if message.attempts < settings.RESIDENT_MESSAGES_MAX_ATTEMPTS:
                message.status, message.due_at = MessageStatus.QUEUED, now
                to_publish.append(message.pk)
                taken_back += 1
            else:
                message.status = MessageStatus.FAILED
                failed += 1
            message.save(update_fields=["claim", "error", "status", "due_at"])
        transaction.on_commit(lambda: [publish(pk) for pk in to_publish])
    return {"resent": resent, "released": released, "taken_back": taken_back, "failed": failed}


# --- The provider's receipts and replies -----------------------------------------------------------
@transaction.atomic
def receive(payload) -> str:
    """A signed call from the provider: a delivery receipt ``{"key"|"provider_id", "status",
    "error"}`` or a resident's reply ``{"type": "inbound", "from", "text"}`` (STOP opts out)."""
    if not isinstance(payload, dict):
        raise ValidationError("a JSON object is expected")
    if payload.get("type") == "inbound":
        text = " ".join(str(payload.get("text") or "").upper().split())
        if text in STOP_WORDS:
            opt_out(str(payload.get("from") or ""), source="balasan STOP")
            return "opted out"
        return "ignored"
    status = RECEIPT_STATUSES.get(str(payload.get("status") or "").lower())
    if status is None:
        raise ValidationError(f"unknown status {payload.get('status')!r}")
    key, provider_id = str(payload.get("key") or ""), str(payload.get("provider_id") or "")
    if key:
        message = Message.objects.select_for_update().filter(key=key).first()
    elif provider_id:
        message = Message.objects.select_for_update().filter(provider_id=provider_id).first()
    else:
        raise ValidationError("a receipt names the message by key or provider_id")
    if message is None:
        raise ValidationError("no such message")
    now = timezone.now()
    if provider_id and not message.provider_id:
        message.provider_id = provider_id[:100]
    if status == MessageStatus.DELIVERED:
        message.status, message.delivered_at = status, now
    elif status == MessageStatus.FAILED:
        message.status, message.error = (
            status,
            str(payload.get("error") or _("Not delivered (provider's receipt)."))[:1000],
        )
    elif message.status in (MessageStatus.QUEUED, MessageStatus.SENDING):
        message.status = MessageStatus.SENT
    message.sent_at = message.sent_at or now
    message.save(update_fields=["provider_id", "status", "delivered_at", "error", "sent_at"])
    return message.status


# --- Reading -------------------------------------------------------------------------------------
def messages_about(topic: str, topic_id: int):
    return Message.objects.filter(topic=topic, topic_id=topic_id).order_by("created_at", "pk")
