"""Stopping the tests' real Redis for a while and starting it again, whatever happens in between.

The Redis is the one settings.REDIS_URL names (scripts/test.sh starts it on ONEGATE_REDIS_PORT), so
the portal, the test workers and beat all lose it together, as in an outage. It comes back empty
(a restart loses what Redis held, as with the portal's `--save ""`)."""

import contextlib
import shutil
import subprocess
import time
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings


def _address() -> tuple[str, int]:
    url = urlsplit(settings.REDIS_URL)
    return url.hostname or "127.0.0.1", url.port or 6379


def _answers(host: str, port: int) -> bool:
    try:
        return redis.Redis(host=host, port=port, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        return False


def _wait(host: str, port: int, up: bool) -> None:
    deadline = time.monotonic() + 15
    while _answers(host, port) != up:
        if time.monotonic() > deadline:
            raise RuntimeError(f"Redis on {host}:{port} did not {'start' if up else 'stop'} within 15 s")
        time.sleep(0.05)


def stop_redis() -> None:
    host, port = _address()
    redis.Redis(host=host, port=port).shutdown(nosave=True)
    _wait(host, port, up=False)


def start_redis(config: dict) -> None:
    """Start Redis again where it ran (its folder, log and pid files: scripts/lib.sh knows it by them)."""
    host, port = _address()
    options = {"port": str(port), "bind": host, "daemonize": "yes", "save": "", "appendonly": "no", **config}
    subprocess.run(
        ["redis-server", *[part for name, value in options.items() for part in (f"--{name}", value)]], check=True
    )
    _wait(host, port, up=True)


@contextlib.contextmanager
def redis_stopped():
    """Redis is down inside the block and running again after it, even when the block fails. The
    block gets a function that starts it again earlier (Redis returning in the middle)."""
    host, port = _address()
    if host not in ("127.0.0.1", "localhost") or not shutil.which("redis-server") or not _answers(host, port):
        pytest.skip("needs the tests' own Redis running on this machine")
    running = redis.Redis(host=host, port=port).config_get("*")
    config = {name: running[name] for name in ("dir", "logfile", "pidfile") if running.get(name)}

    def restart() -> None:
        if not _answers(host, port):
            start_redis(config)

    stop_redis()
    try:
        yield restart
    finally:
        restart()
