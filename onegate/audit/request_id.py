"""A request id ties together every audit row written while serving one request or task."""

import contextlib
import re
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("onegate_request_id", default=None)
_SAFE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def new_request_id(incoming: str | None = None) -> str:
    """Keep a well-formed id from a proxy (X-Request-ID) so logs line up; otherwise make one."""
    if incoming and _SAFE.match(incoming):
        return incoming
    return uuid.uuid4().hex


def get_request_id() -> str | None:
    return _request_id.get()


@contextlib.contextmanager
def use_request_id(value: str | None = None):
    token = _request_id.set(value or new_request_id())
    try:
        yield _request_id.get()
    finally:
        _request_id.reset(token)
