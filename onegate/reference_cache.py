"""Reference data that every list's filter form offers, kept in process memory.

The kelurahan/desa of a user's area, the complaint categories and the PPKS categories change a few
times a year (an administrator's edit), but each list page read them from the database and built
hundreds of model objects for its selects (the person list: 400+ kelurahan for a manager). Here they
are kept per process for :data:`TTL` seconds; saving or deleting a row of a model registered with
:func:`register` (each app registers its own in ``AppConfig.ready()``) empties this process's copies
at once, and the other workers' within the TTL.
"""

import threading
import time
from collections.abc import Callable, Hashable

from django.db.models.signals import post_delete, post_save

TTL = 300.0

_lock = threading.Lock()
_entries: dict[Hashable, tuple[float, object]] = {}


def cached(key: Hashable, compute: Callable[[], object], ttl: float = TTL):
    """``compute()``'s value, computed at most once per ``ttl`` seconds for this ``key``."""
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and now - entry[0] < ttl:
        return entry[1]
    value = compute()
    with _lock:
        _entries[key] = (now, value)
    return value


def clear(*_args, **_kwargs) -> None:
    with _lock:
        _entries.clear()


def register(model) -> None:
    """Reference data kept here: an edit of ``model`` empties the cache."""
    post_save.connect(clear, sender=model, dispatch_uid=f"reference_cache:{model._meta.label}:save")
    post_delete.connect(clear, sender=model, dispatch_uid=f"reference_cache:{model._meta.label}:delete")
