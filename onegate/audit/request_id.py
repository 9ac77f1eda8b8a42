"""A request id ties together every audit row written while serving one request or task.

The server makes it: an id sent by the client (X-Request-ID) is only kept beside it, in the entries'
additional data, since anyone may send any id."""

import contextlib
import re
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("onegate_request_id", default=None)
_client_request_id: ContextVar[str | None] = ContextVar("onegate_client_request_id", default=None)
_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def new_request_id() -> str:
    return uuid.uuid4().hex


def get_request_id() -> str | None:
    return _request_id.get()


def get_client_request_id() -> str | None:
    return _client_request_id.get()


@contextlib.contextmanager
def use_request_id(value: str | None = None, *, client_value: str | None = None):
    """``client_value``: the X-Request-ID the client sent, kept when well-formed."""
    token = _request_id.set(value or new_request_id())
    client_token = _client_request_id.set(client_value if client_value and _SAFE.match(client_value) else None)
    try:
        yield _request_id.get()
    finally:
        _client_request_id.reset(client_token)
        _request_id.reset(token)
