"""Messages kept on an import batch (its failure, each row's problems and notices) are stored as
their English text (the msgid) with their parameters, and translated when they are shown: the
reader sees them in their own language, whichever language the upload or the worker ran in."""

from django.utils.translation import gettext


def message(msgid: str, **params) -> list:
    """A message to store: ``[msgid, params]``. Mark the msgid with gettext_noop where it is written.
    A parameter may itself be a stored message (a translated label)."""
    return [msgid, params]


def render(stored) -> str:
    """The stored message in the active language. A plain string was stored translated already
    (batches checked before messages were stored this way) and is shown as it is."""
    if isinstance(stored, str):
        return stored
    msgid, params = stored
    text = gettext(msgid)
    if not params:
        return text
    return text % {name: render(value) if isinstance(value, list) else value for name, value in params.items()}


def for_reader(problems, user) -> list[dict]:
    """Stored problems ([row, column, message, NIK, name]) as ``user`` reads them: in their
    language, the NIK as their role may see it (privacy.nik_for)."""
    from ..privacy import nik_for

    return [
        {"line": line, "column": column, "text": render(stored), "nik": nik_for(user, nik), "name": name}
        for line, column, stored, nik, name in problems
    ]
