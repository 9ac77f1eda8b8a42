"""Shared fixtures: demo regions, one user per role, the browser, and a real Celery worker."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from tests.factories import AgencyFactory, UserFactory

WATES = "35.76.02.1010"
KRANGGAN = "35.76.03.1001"
CITY = "35.76"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Each test gets its own keyspace in the real Redis caches, so rate limits do not carry over."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {name: {**cache, "KEY_PREFIX": prefix} for name, cache in settings.CACHES.items()}


@pytest.fixture(autouse=True)
def fresh_reference_cache():
    """Reference data kept in process memory (onegate/reference_cache.py: the directory's services
    with criteria, the kelurahan choices) does not outlive the test whose rows were rolled back."""
    from onegate import reference_cache

    reference_cache.clear()


@pytest.fixture(autouse=True)
def signed_in_user_cached_for_the_whole_test(monkeypatch):
    """The cached user does not expire in the middle of a test (a slow test counting the queries of
    one request would count the user's reload); changes still forget it (tests/core/test_auth.py)."""
    monkeypatch.setattr("onegate.accounts.backends.USER_CACHE_SECONDS", 3600)


@pytest.fixture
def regions(db):
    from onegate.regions.services import load_demo_regions

    load_demo_regions()


@pytest.fixture
def dinkes(regions):
    return AgencyFactory(code="dinkes", name="Dinas Kesehatan", region_id=CITY)


@pytest.fixture
def disdukcapil(regions):
    return AgencyFactory(code="disdukcapil", name="Disdukcapil", region_id=CITY)


@pytest.fixture
def users(regions, dinkes, disdukcapil):
    """One user per role and scope, named like the demo accounts."""
    from onegate.accounts.models import Role

    return {
        "admin": UserFactory(username="admin", role=Role.ADMIN, region_id=None, is_staff=True, is_superuser=True),
        "manajer": UserFactory(username="manajer", role=Role.MANAGER, region_id=CITY),
        "loket": UserFactory(username="loket", role=Role.FRONT_DESK, region_id=CITY),
        "kel.wates": UserFactory(username="kel.wates", role=Role.KELURAHAN, region_id=WATES),
        "kel.kranggan": UserFactory(username="kel.kranggan", role=Role.KELURAHAN, region_id=KRANGGAN),
        "dinkes": UserFactory(username="dinkes", role=Role.AGENCY, region_id=None, agency=dinkes),
        "disdukcapil": UserFactory(username="disdukcapil", role=Role.AGENCY, region_id=None, agency=disdukcapil),
    }


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client, logged in as that user."""

    def login(user):
        client.force_login(user, backend="onegate.accounts.backends.ModelBackend")
        return client

    return login


@pytest.fixture
def private_root(settings, tmp_path):
    """A fresh private media folder, for the storage and for the files written beside it."""
    root = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": root}},
    }
    return root


# --- Browser -----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def demo_site(transactional_db, live_server):
    """The live server with the full demo data loaded."""
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    return live_server


# --- Celery ------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def celery_worker_queue(django_db_setup, django_db_blocker):
    """A real Celery worker process on the real Redis, reading the test database, on a queue of its
    own so that a developer's running portal does not take the tests' tasks."""
    from onegate.celery import app

    queue = f"onegate-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": _test_database_url(), "DEBUG": "1"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "onegate",
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        env=env,
        cwd=django_settings.BASE_DIR,
    )
    app.conf.task_default_queue = queue
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            replies = app.control.ping(timeout=1.0)
            if replies:
                break
            if worker.poll() is not None:
                pytest.fail("the Celery worker exited at start-up")
        else:
            pytest.fail("the Celery worker did not answer within 60 s")
        yield queue
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _test_database_url() -> str:
    db = django_settings.DATABASES["default"]
    port = db.get("PORT") or 5432
    return f"postgres://{db['USER']}@{db.get('HOST') or '127.0.0.1'}:{port}/{db['NAME']}"


@pytest.fixture(autouse=True)
def _ppks_reference_rows(request):
    """The PPKS categories come from a migration; a transactional test run before this one flushes
    them, so they are put back for any test that uses the database."""
    names = set(request.fixturenames)
    if not (request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & names):
        return
    request.getfixturevalue("_django_db_helper")
    for name in ("transactional_db", "db"):
        if name in names:
            request.getfixturevalue(name)
            break
    from registry.models import PpksCategory
    from registry.reference import ensure_ppks_categories

    if not PpksCategory.objects.exists():
        ensure_ppks_categories()
