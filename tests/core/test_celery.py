"""A real worker process, through the real Redis, against the test database."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from onegate.web.tasks import ping, purge_expired_sessions

pytestmark = pytest.mark.celery


def test_a_task_goes_through_redis_to_a_worker_and_back(celery_worker_queue):
    result = ping.delay()
    assert result.get(timeout=30) == {"pong": True, "database": "ok"}


def test_the_worker_purges_expired_sessions_in_the_database(transactional_db, celery_worker_queue):
    for minutes in (-5, -1, 30):
        store = SessionStore()
        store.create()
        Session.objects.filter(session_key=store.session_key).update(
            expire_date=timezone.now() + timedelta(minutes=minutes)
        )
    assert purge_expired_sessions.delay().get(timeout=30) == 2
    assert Session.objects.count() == 1
