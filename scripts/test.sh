#!/usr/bin/env bash
# Set up like the run command, lint, then run the whole test suite (browser tests included).
# Extra arguments go to pytest, e.g. scripts/test.sh tests/core -k scoping
# The lint runs first; the tests run even when it fails, but the command then fails too.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# Tests run with development settings (pytest-django turns DEBUG off while they run).
export DEBUG=${DEBUG:-1}
trap stop_services EXIT
ensure_venv
lint_status=0
run_lint || lint_status=$?
ensure_dev_env
apt_install chromium
ensure_postgres
ensure_redis
export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
# Playwright's sync API runs an event loop in the test thread; Django's guard against ORM use from
# async code would otherwise refuse the live-server tests' database setup.
export DJANGO_ALLOW_ASYNC_UNSAFE=true
status=0
python -m pytest "$@" || status=$?
[ $lint_status -eq 0 ] || say "the tests ran, but the lint failed (above)"
[ $status -ne 0 ] || status=$lint_status
exit $status
