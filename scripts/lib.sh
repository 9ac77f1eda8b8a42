# Shared by scripts/run.sh and scripts/test.sh: a virtualenv, and PostgreSQL + Redis when the
# environment names none. Private servers live under var/ (git-ignored) so data survives restarts.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VAR="$ROOT/var"
VENV="$ROOT/.venv"
PG_PORT=${ONEGATE_PG_PORT:-55432}
REDIS_PORT=${ONEGATE_REDIS_PORT:-56379}
STARTED_PG=""
STARTED_REDIS=""
APT_UPDATED=""
mkdir -p "$VAR"

say() { printf '\033[1m[onegate]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[onegate]\033[0m %s\n' "$*" >&2; exit 1; }

# Install Debian packages when missing: as root we do it; otherwise we say exactly what to run.
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die "missing system packages. Run: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
  say "installing ${missing[*]} (apt)"
  if [ -z "$APT_UPDATED" ]; then apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

python_bin() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      echo "$candidate"; return 0
    fi
  done
  die "Python 3.11 is required (python3.11 not found)."
}

# The virtualenv, installed from the lock file; reinstalled only when the lock changes.
ensure_venv() {
  apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating virtualenv in .venv"
    "$(python_bin)" -m venv "$VENV"
  fi
  local stamp="$VENV/.onegate-lock" want
  want=$(cat "$ROOT/requirements.lock" "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    # One install at a time: checkouts sharing a virtualenv (git worktrees) must not run pip together.
    exec 9>"$VENV/.onegate-install.lock"
    flock 9
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
      say "installing Python packages (requirements.lock)"
      { "$VENV/bin/python" -m pip install -q --upgrade pip && \
        "$VENV/bin/python" -m pip install -q -r "$ROOT/requirements.lock"; } > "$VAR/pip.log" 2>&1 \
        || { cat "$VAR/pip.log"; die "installing Python packages failed (log above, also in var/pip.log)"; }
      echo "$want" > "$stamp"
    fi
    exec 9>&-
  fi
  export PATH="$VENV/bin:$PATH"
}

# ruff's lint and format check over the whole tree (config in pyproject.toml); fails when either finds something.
run_lint() {
  say "lint: ruff check and ruff format --check"
  local status=0
  "$VENV/bin/ruff" check --quiet "$ROOT" || status=1
  "$VENV/bin/ruff" format --check --quiet "$ROOT" || status=1
  [ $status -eq 0 ] || printf '\033[1;31m[onegate]\033[0m %s\n' "lint failed: .venv/bin/ruff format . && .venv/bin/ruff check --fix . fixes most of it" >&2
  return $status
}

# A git-ignored .env for development, so manage.py run by hand finds the private servers.
ensure_dev_env() {
  [ -f "$ROOT/.env" ] && return 0
  cat > "$ROOT/.env" <<ENV
# Written by make run / make test for local development (git-ignored). Production: see .env.example.
DEBUG=1
DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/onegate
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
ENV
  say "wrote .env for development (DEBUG=1, the private servers)"
}

pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && echo "$dir"
}

as_pg_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

ensure_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then say "using DATABASE_URL from the environment"; return 0; fi
  [ -n "$(pg_bindir)" ] || apt_install postgresql postgresql-contrib
  local bin data sock
  bin=$(pg_bindir)
  data="$VAR/pg/data"; sock="$VAR/pg/run"
  mkdir -p "$VAR/pg" "$sock"
  if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
    chown postgres:postgres "$VAR/pg" "$sock"
    runuser -u postgres -- test -w "$VAR/pg" || die "the postgres user cannot reach $VAR/pg; make the project folder traversable (chmod o+x on its parents) or set DATABASE_URL"
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    say "creating a private PostgreSQL cluster in var/pg"
    as_pg_owner "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_pg_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    # Shared buffers: an eighth of the memory, at most 2 GB (PostgreSQL's 128 MB default left the
    # 5M-people benchmark's name search reading its indexes through the kernel: 17 -> 8 ms of
    # database CPU a search). ONEGATE_PG_SHARED_BUFFERS sets it (e.g. 256MB).
    local buffers="${ONEGATE_PG_SHARED_BUFFERS:-$(awk '/^MemTotal/ { mb = int($2 / 1024 / 8); print (mb > 2048 ? 2048 : mb) "MB" }' /proc/meminfo)}"
    as_pg_owner "$bin/pg_ctl" -D "$data" -l "$VAR/pg/server.log" -w \
      -o "-p $PG_PORT -k $sock -c listen_addresses=127.0.0.1 -c shared_buffers=$buffers" start >/dev/null
    STARTED_PG=1
  fi
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/onegate"
  if ! "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='onegate'" | grep -q 1; then
    "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres onegate
  fi
}

ensure_redis() {
  if [ -n "${REDIS_URL:-}" ]; then say "using REDIS_URL from the environment"; return 0; fi
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p "$VAR/redis"
  if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    say "starting Redis on 127.0.0.1:$REDIS_PORT"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
      --dir "$VAR/redis" --pidfile "$VAR/redis/redis.pid" --logfile "$VAR/redis/redis.log"
    for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
    STARTED_REDIS=1
  fi
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
}

# Stop only the servers this script started, so a second terminal's portal keeps running.
stop_services() {
  if [ -n "$STARTED_REDIS" ]; then
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    STARTED_REDIS=""
  fi
  if [ -n "$STARTED_PG" ]; then
    as_pg_owner "$(pg_bindir)/pg_ctl" -D "$VAR/pg/data" -m fast -w stop >/dev/null 2>&1 || true
    STARTED_PG=""
  fi
}
