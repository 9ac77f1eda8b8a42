"""A small SMS/WhatsApp provider on a local port (the real http gateway posts to it), Celery running
the real tasks eagerly, and complaints whose complainant agreed to updates."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from complaints import services as complaint_services
from notices import gateways
from tests.complaints.factories import category
from tests.conftest import WATES
from tests.factories import PersonFactory

SECRET = "rahasia-bersama-uji"
PHONE = "0812-3456-7890"


@pytest.fixture
def provider(settings):
    """The provider: records every POST (headers in lower case, JSON), answers the queued status
    codes in turn (200 after them; ``hold_first``: the first answer hangs until ``release``) and,
    like a real provider, takes a message key only once (a repeat gets the
    first id back and is not delivered again)."""
    state = SimpleNamespace(posts=[], answers=[], delivered={}, hold_first=False, release=threading.Event())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = {name.lower(): value for name, value in self.headers.items()}
            state.posts.append({"headers": headers, "body": body, "json": json.loads(body)})
            code = state.answers.pop(0) if state.answers else 200
            key = headers.get("idempotency-key")
            if code == 200 and key not in state.delivered:
                state.delivered[key] = f"prov-{len(state.delivered) + 1}"
            if state.hold_first and len(state.posts) == 1:
                state.release.wait(timeout=60)  # taken, but the answer hangs (the sender dies meanwhile)
            try:
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"id": state.delivered.get(key, "")}).encode())
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender is gone (killed while waiting)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.RESIDENT_MESSAGES_GATEWAY = "http"
    settings.RESIDENT_MESSAGES_URL = f"http://127.0.0.1:{server.server_address[1]}/kirim"
    settings.RESIDENT_MESSAGES_SECRET = SECRET
    settings.RESIDENT_MESSAGES_TIMEOUT_SECONDS = 5
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def eager(monkeypatch):
    """Celery runs the real tasks in the calling process (no broker, no worker)."""
    from onegate.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)


@pytest.fixture
def sending(eager, provider, django_capture_on_commit_callbacks):
    """Run ``block`` and then what it queued for after the commit (sent through Celery eagerly)."""

    def run(block):
        with django_capture_on_commit_callbacks(execute=True):
            result = block()
        return result

    return run


def desk_complaint(user, *, channel="whatsapp", phone=PHONE, **overrides):
    """A walk-in whose complainant agreed to updates on ``phone`` (channel "" : did not)."""
    data = {
        "channel": "datang",
        "complainant_name": "Siti Aminah",
        "complainant_phone": phone,
        "category": category(),
        "description": "Kartu BPJS tidak aktif.",
        "subject": PersonFactory(region_id=WATES),
        **overrides,
    }
    return complaint_services.complaint_create(data=data, acting_user=user, updates_channel=channel)


def signed(body: bytes, *, secret=SECRET, at=None) -> dict:
    """The provider's headers for a call to the portal (as Django's test client takes them)."""
    headers = gateways.signed_headers(secret, body, now=at if at is not None else time.time())
    return {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
