#!/usr/bin/env bash
# Set up and run the portal with demo data: web server, Celery worker and Celery beat.
# Ctrl-C stops everything this script started. Running it again keeps the data.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

export DEBUG=${DEBUG:-1}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
PIDS=()

cleanup() {
  trap - INT TERM EXIT
  say "stopping"
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_services
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

celery -A onegate worker --loglevel=INFO --concurrency=2 > "$VAR/worker.log" 2>&1 &
PIDS+=($!)
celery -A onegate beat --loglevel=INFO > "$VAR/beat.log" 2>&1 &
PIDS+=($!)
python manage.py runserver --noreload "$HOST:$PORT" &
PIDS+=($!)

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
  Celery worker and beat logs: var/worker.log, var/beat.log.  Ctrl-C stops everything.

MSG
wait -n "${PIDS[@]}"
