"""Start-up checks of the settings module, run in a fresh interpreter as a deployment would."""

import os
import subprocess
import sys

from django.conf import settings

STRONG_KEY = "k7Qw9vX2-pL4zR8mN1sT6yB3cF5hJ0dG_aE7uI2oW9qZ4xC6vB8nM1lK3jH5gF7d"
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "onegate.mojokertokota.go.id",
    "BEHIND_TLS_PROXY": "1",
    "ONEGATE_READ_DOT_ENV": "0",
}


def run_manage(*args, env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env={**base, **env}, capture_output=True, text=True
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key():
    result = run_manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": ""})
    assert result.returncode != 0 and "SECRET_KEY is missing or weak" in result.stderr


def test_it_refuses_a_weak_secret_key():
    for weak in ("short", "django-insecure-" + "x" * 60, "a" * 60):
        result = run_manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": weak})
        assert result.returncode != 0 and "SECRET_KEY is missing or weak" in result.stderr, weak


def test_the_time_zone_and_language_defaults():
    assert settings.TIME_ZONE == os.environ.get("TIME_ZONE", "Asia/Jakarta")
    assert settings.LANGUAGE_CODE == "id"


def test_portal_sessions_plan_once_and_skip_jit_and_parallel_workers(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), current_setting('max_parallel_workers_per_gather')")
        assert cursor.fetchone() == ("off", "0")
        for _ in range(3):  # psycopg prepares a query from its second run on a connection
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%FROM pg_prepared_statements%"]
            )
        assert cursor.fetchone() == (1,)
