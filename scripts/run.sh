#!/usr/bin/env bash
# Set up and run the portal with demo data: web server, Celery worker and Celery beat.
# A process that stops is started again (scripts/supervise.sh); Ctrl-C stops everything this script
# started. Running it again keeps the data.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/supervise.sh"
cd "$ROOT"

export DEBUG=${DEBUG:-1}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

cleanup() {
  trap - INT TERM EXIT
  say "stopping"
  supervise_stop
  stop_services
  exit 0  # not back into the supervisor's loop
}
trap cleanup INT TERM EXIT

ensure_venv
ensure_dev_env
ensure_postgres
ensure_redis
say "migrating the database"
python manage.py migrate --noinput >/dev/null
say "loading demo regions, agencies, accounts and data"
python manage.py seed_demo

# The logs are appended to, so what a stopped process said before it stopped is kept.
run_worker() { exec celery -A onegate worker --loglevel=INFO --concurrency=2 >> "$VAR/worker.log" 2>&1; }
run_beat() { exec celery -A onegate beat --loglevel=INFO >> "$VAR/beat.log" 2>&1; }
run_web() { exec python manage.py runserver --noreload "$HOST:$PORT"; }
supervise_add worker run_worker
supervise_add beat run_beat
supervise_add web run_web

cat <<MSG

  OneGate is running:  http://$HOST:$PORT/
  Demo logins (password: $(python -c 'from onegate.demo import demo_password; print(demo_password())')):
    admin              administrator
    manajer            Dinsos manager, whole city
    manajer.magersari  Dinsos manager, Kecamatan Magersari
    loket              front-desk staff, whole city
    kel.wates          kelurahan officer, Wates
    kel.kranggan       kelurahan officer, Kranggan
    dinkes             agency officer, Dinas Kesehatan
    disdukcapil        agency officer, Disdukcapil
  Celery worker and beat logs: var/worker.log, var/beat.log. A process that stops is started
  again; Ctrl-C stops everything.

MSG
supervise_loop
