from django.db.utils import OperationalError
from django.urls import reverse

from onegate.web import health


def test_healthz_is_200_when_database_and_redis_answer(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "problems": []}


def test_healthz_is_503_with_the_reason_when_redis_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["problems"][0].startswith("redis unreachable")


def test_healthz_is_503_when_the_database_fails(client, db, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", BrokenConnection())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert "database unreachable: OperationalError: connection refused" in response.json()["problems"]
