#!/usr/bin/env bash
# Set up like the run command (virtualenv, PostgreSQL, Redis) plus wrk, then run the benchmark
# suite (scripts/bench.py; its options pass through, e.g. scripts/bench.sh --people 100000 1000000).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
trap stop_services EXIT
ensure_venv
apt_install wrk
ensure_postgres
ensure_redis
python scripts/bench.py "$@"
