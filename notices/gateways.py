"""How a message leaves the portal, chosen by ``settings.RESIDENT_MESSAGES_GATEWAY``:

- ``console``: written to the log (development; nothing leaves the machine);
- ``http``: a JSON POST to ``RESIDENT_MESSAGES_URL`` (an SMS or WhatsApp Business provider, or the
  office's own relay), signed like the provider's receipts back (:func:`signature`).

Both the POST and the receipts carry ``X-OneGate-Timestamp`` (Unix seconds) and
``X-OneGate-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with RESIDENT_MESSAGES_SECRET>``;
the POST also carries the message's key as ``Idempotency-Key``, so a provider receiving a message
twice (a worker died after sending, before recording it) can drop the second one.
"""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from onegate.phones import international, mask_phone

log = logging.getLogger(__name__)
TIMESTAMP_HEADER = "X-OneGate-Timestamp"
SIGNATURE_HEADER = "X-OneGate-Signature"


class GatewayError(Exception):
    """The provider did not take the message; ``permanent``: trying again will not help."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Outgoing:
    key: str
    channel: str
    phone: str
    text: str


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signed_headers(secret: str, body: bytes, now: float | None = None) -> dict:
    timestamp = str(int(now if now is not None else time.time()))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(secret, timestamp, body)}


def check_signature(secret: str, timestamp: str | None, given: str | None, body: bytes, now: float | None = None):
    """None when the signature is good and fresh; otherwise why not ("unsigned", "stale", "bad")."""
    if not timestamp or not given:
        return "unsigned"
    try:
        age = abs((now if now is not None else time.time()) - int(timestamp))
    except ValueError:
        return "bad"
    if age > settings.RESIDENT_MESSAGES_RECEIPT_MAX_AGE_SECONDS:
        return "stale"
    if not hmac.compare_digest(signature(secret, timestamp, body).encode(), given.strip().encode()):
        return "bad"
    return None


class ConsoleGateway:
    def send(self, message: Outgoing) -> str:
        log.info("message %s by %s to %s: %s", message.key, message.channel, mask_phone(message.phone), message.text)
        return f"console-{message.key}"


class HttpGateway:
    def __init__(self, url: str, secret: str, timeout: float):
        if not url or not secret:
            raise ImproperlyConfigured(
                "RESIDENT_MESSAGES_URL and RESIDENT_MESSAGES_SECRET are needed by the http gateway"
            )
        self.url, self.secret, self.timeout = url, secret, timeout

    def send(self, message: Outgoing) -> str:
        body = json.dumps(
            {"key": message.key, "channel": message.channel, "to": international(message.phone), "text": message.text},
            separators=(",", ":"),
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": message.key,
            **signed_headers(self.secret, body),
        }
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            # 4xx (but 408 and 429): the provider refuses this message as it is; 5xx: try again later.
            permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
            raise GatewayError(f"HTTP {exc.code} {exc.reason}", permanent=permanent) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise GatewayError(f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}") from exc
        try:
            provider_id = str(json.loads(answer or b"{}").get("id") or "")
        except (ValueError, AttributeError):
            provider_id = ""
        return provider_id[:100]


def gateway():
    name = settings.RESIDENT_MESSAGES_GATEWAY
    if name == "console":
        return ConsoleGateway()
    if name == "http":
        return HttpGateway(
            settings.RESIDENT_MESSAGES_URL,
            settings.RESIDENT_MESSAGES_SECRET,
            settings.RESIDENT_MESSAGES_TIMEOUT_SECONDS,
        )
    raise ImproperlyConfigured(f"RESIDENT_MESSAGES_GATEWAY: unknown gateway {name!r} (console or http)")
