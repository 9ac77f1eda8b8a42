"""Idempotent creates: a create form posted twice (a double click, a slow link and a second tap,
the back button) makes one record.

Each create form carries a one-time key (``{% submission_key %}`` from the ``idempotency`` template
tags: a hidden field made when the form is rendered). :func:`create_once` records the key first, in the transaction that creates the record,
then the record and the page it leads to: of two posts with the same key, the second waits on the
first's unique key and, once the first has committed, is sent to its result (:class:`Repeated`)
with "this was already saved". A first post that fails (a form error) records nothing, so the
corrected form goes through with the same key. Keys are swept after ``IDEMPOTENCY_KEY_DAYS``.
"""

import secrets
from collections.abc import Callable

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _

KEY_FIELD = "submission_key"


def key_of(request) -> str:
    """The one-time key a POST came with ("" without one)."""
    return request.POST.get(KEY_FIELD, "").strip()[:64] if request.method == "POST" else ""


def answer_repeat(request):
    """The first result when this form was sent before with its key (checked before the form is
    validated: a repeat is answered even if the form would now be refused), else None."""
    first = first_submission(request.user, key_of(request))
    return already_saved(request, first) if first else None


def new_key() -> str:
    return secrets.token_urlsafe(24)


class Repeated(Exception):
    """The form was sent before with this key: its first result."""

    def __init__(self, submission):
        self.submission = submission
        super().__init__(getattr(submission, "redirect_url", ""))


def create_once(user, key: str, create: Callable[[], object], *, result_url: Callable[[object], str]):
    """``create()`` in a transaction with the key recorded first; returns what it created. Raises
    :class:`Repeated` when the key was used already (also by a concurrent post, once it committed).
    Without a key (an old page) it simply creates."""
    from .models import Submission

    if not key:
        with transaction.atomic():
            return create()
    with transaction.atomic():
        try:
            with transaction.atomic():  # waits here for a concurrent post with the same key
                submission = Submission.objects.create(key=key, user=user if user and user.pk else None)
        except IntegrityError:
            raise Repeated(first_submission(user, key)) from None
        created = create()
        submission.created_object = created
        submission.redirect_url = result_url(created)
        submission.save(update_fields=["content_type", "object_id", "redirect_url"])
    return created


def first_submission(user, key: str):
    """The recorded submission of this key by this user (None: not theirs, or not yet)."""
    from .models import Submission

    if not key:
        return None
    return Submission.objects.filter(key=key, user=user if user and user.pk else None).first()


def already_saved(request, submission):
    """The answer to a repeated post: the first result, saying so (a key that is not this user's
    answers with a fresh form)."""
    if submission is None or not submission.redirect_url:
        messages.warning(request, _("This form was already sent. Fill it in again if something is missing."))
        return redirect(request.get_full_path())
    messages.info(
        request, _("This was already saved: here is the record made the first time. Nothing was saved twice.")
    )
    return redirect(submission.redirect_url)


def sweep(*, older_than_days: int) -> int:
    """Delete old keys (a form is not re-posted after days); returns how many."""
    import datetime

    from django.utils import timezone

    from .models import Submission

    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    deleted, _ = Submission.objects.filter(created_at__lt=cutoff).delete()
    return deleted
