"""Anti-spam for the public forms (no account): a small sum shown as text, a honeypot field and a
minimum fill time. Accessible (no image), and the server keeps no state until the form comes
back: the signed token carries the question and when the form was shown. Spent questions are kept
in the strict "counters" cache: without Redis a question cannot be checked, and the form answers
"try again shortly" rather than let a replayed form through."""

import secrets
import time
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CHALLENGE_SALT = "onegate.antispam.challenge"
CHALLENGE_MAX_AGE = 3 * 3600  # a slow typist on a phone still gets through
EXPIRED = _("The anti-spam question had expired. Please answer the new question.")


@dataclass(frozen=True)
class Challenge:
    a: int
    b: int
    issued_at: int
    nonce: str
    token: str

    def is_answered_by(self, answer) -> bool:
        return answer == self.a + self.b

    def seconds_since_issued(self, now: float | None = None) -> float:
        return (time.time() if now is None else now) - self.issued_at


def new_challenge(*, issued_at: float | None = None) -> Challenge:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    issued = int(time.time() if issued_at is None else issued_at)
    nonce = secrets.token_hex(8)
    token = signing.dumps({"a": a, "b": b, "t": issued, "n": nonce}, salt=CHALLENGE_SALT)
    return Challenge(a, b, issued, nonce, token)


def read_challenge(token: str | None) -> Challenge | None:
    """The challenge a token stands for; None when it is forged, expired or already used."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
        challenge = Challenge(int(data["a"]), int(data["b"]), int(data["t"]), str(data["n"]), token)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if challenge.seconds_since_issued() > CHALLENGE_MAX_AGE or caches["counters"].get(_spent_key(challenge)):
        return None
    return challenge


def spend_challenge(challenge: Challenge) -> bool:
    """Mark a challenge used, so one solved form cannot be posted again; False if it already was."""
    return caches["counters"].add(_spent_key(challenge), 1, timeout=CHALLENGE_MAX_AGE + 60)


def _spent_key(challenge: Challenge) -> str:
    return f"antispam-challenge:{challenge.nonce}"


class AntiSpamFormMixin(forms.Form):
    """Adds the challenge, the honeypot and the fill-time check to a public form. The view calls
    :meth:`spend_challenge` once the form is valid, before saving."""

    challenge_token = forms.CharField(widget=forms.HiddenInput)
    challenge_answer = forms.IntegerField(
        error_messages={"required": _("Please answer the anti-spam question.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 4}),
    )
    # A honeypot: hidden from people (and screen readers); simple bots fill every field.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = time.time()
        # The challenge that came with the form, if it is still good; otherwise a new question.
        self.received_challenge = read_challenge(self.data.get("challenge_token")) if self.is_bound else None
        self._use_challenge(self.received_challenge or new_challenge(issued_at=self.now))
        if self.is_bound and self.received_challenge is None:  # the answer was cleared with the old question
            self.fields["challenge_answer"].error_messages["required"] = EXPIRED

    def _use_challenge(self, challenge: Challenge) -> None:
        self.challenge = challenge
        self.fields["challenge_answer"].label = _("Anti-spam question: how much is %(a)d plus %(b)d?") % {
            "a": challenge.a,
            "b": challenge.b,
        }
        self._bound_fields_cache.pop("challenge_answer", None)  # a bound field made during cleaning keeps the old label
        self.initial["challenge_token"] = challenge.token
        if self.is_bound and self.data.get("challenge_token") != challenge.token:
            self.data = self.data.copy()
            self.data["challenge_token"] = challenge.token
            self.data["challenge_answer"] = ""

    def clean_challenge_answer(self):
        answer = self.cleaned_data["challenge_answer"]
        if not self.received_challenge.is_answered_by(answer):
            # One try per question: a bot cannot run through the possible sums.
            spend_challenge(self.received_challenge)
            self._use_challenge(new_challenge(issued_at=self.received_challenge.issued_at))
            raise ValidationError(_("That is not the right answer. Please answer the new question."), code="wrong")
        return answer

    def clean(self):
        data = super().clean()
        if self.data.get("website"):
            raise ValidationError(_("The form could not be sent. Check it and send it again."), code="honeypot")
        challenge = self.received_challenge
        if challenge and challenge.seconds_since_issued(self.now) < settings.PUBLIC_FORM_MIN_SECONDS:
            raise ValidationError(
                _("The form was sent very quickly. Check your answers and send it again."), code="too_fast"
            )
        return data

    def spend_challenge(self) -> bool:
        """Use up the solved challenge; False, with a new question and an error on the form, if it
        was already used (the same form posted twice)."""
        if spend_challenge(self.received_challenge):
            return True
        self._use_challenge(new_challenge(issued_at=self.now))
        self.add_error("challenge_answer", EXPIRED)
        return False
