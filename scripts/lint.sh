#!/usr/bin/env bash
# ruff check and ruff format --check over the whole tree (make lint; make test runs it first).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_venv
run_lint
