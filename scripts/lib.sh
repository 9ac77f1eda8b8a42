# Shared by scripts/run.sh and scripts/test.sh: a virtualenv, and PostgreSQL + Redis when the
# environment names none. Private servers live under var/ (git-ignored) so data survives restarts;
# the PostgreSQL cluster moves to /var/lib/onegate/ when the postgres user cannot reach var/ (pg_home).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VAR="$ROOT/var"
VENV="$ROOT/.venv"
PORTS_FILE="$VAR/ports"  # the ports chosen when the usual ones were taken
PG_PORT=${ONEGATE_PG_PORT:-$(sed -n 's/^pg=//p' "$PORTS_FILE" 2>/dev/null | grep . || echo 55432)}
REDIS_PORT=${ONEGATE_REDIS_PORT:-$(sed -n 's/^redis=//p' "$PORTS_FILE" 2>/dev/null | grep . || echo 56379)}
PG_HOME=""
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

# From /: the postgres user may not be allowed into the current folder.
as_pg_owner() { if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

# Something answers on this local TCP port.
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() { "$(python_bin)" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The usual port is taken (another checkout's portal is running): take a free one, keep it for the
# next runs (var/ports) and in the .env written for development. A port set by ONEGATE_PG_PORT or
# ONEGATE_REDIS_PORT is never changed: the message says to choose another.
other_port() {
  local name=$1 port=$2 setting=$3
  [ -z "${!setting:-}" ] || die "port $port ($setting) is taken by another server; set $setting to a free port"
  local chosen
  chosen=$(free_port)
  say "port $port is taken (another checkout's portal?): $name uses port $chosen (kept in var/ports)" >&2
  { grep -v "^$name=" "$PORTS_FILE" 2>/dev/null || true; echo "$name=$chosen"; } > "$PORTS_FILE.new"
  mv "$PORTS_FILE.new" "$PORTS_FILE"
  if head -n 1 "$ROOT/.env" 2>/dev/null | grep -q "^# Written by make run / make test"; then
    sed -i "s|127.0.0.1:$port/|127.0.0.1:$chosen/|" "$ROOT/.env"
  fi
  echo "$chosen"
}

# Where the private cluster lives: var/pg, unless the postgres user cannot reach it (run as root
# from a checkout under /root or in a 0700 folder): then /var/lib/onegate/<checkout>-<hash of its
# path>, where it can. ONEGATE_PG_HOME chooses the folder.
pg_home() {
  if [ -n "${ONEGATE_PG_HOME:-}" ]; then echo "$ONEGATE_PG_HOME"; return 0; fi
  local outside
  outside="/var/lib/onegate/$(basename "$ROOT")-$(printf '%s' "$ROOT" | sha256sum | cut -c1-8)"
  if [ "$(id -u)" -eq 0 ] && { [ -f "$outside/data/PG_VERSION" ] || ! runuser -u postgres -- test -x "$VAR"; }; then
    echo "$outside"
  else
    echo "$VAR/pg"
  fi
}

ensure_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then say "using DATABASE_URL from the environment"; return 0; fi
  [ -n "$(pg_bindir)" ] || apt_install postgresql postgresql-contrib
  local bin data sock
  bin=$(pg_bindir)
  PG_HOME=$(pg_home)
  data="$PG_HOME/data"; sock="$PG_HOME/run"
  mkdir -p "$PG_HOME" "$sock"
  if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
    chown postgres:postgres "$PG_HOME" "$sock"
    runuser -u postgres -- test -w "$PG_HOME" || die "the postgres user cannot reach $PG_HOME; set ONEGATE_PG_HOME to a folder it can reach, or DATABASE_URL"
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    say "creating a private PostgreSQL cluster in $PG_HOME"
    as_pg_owner "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_pg_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    PG_PORT=$(sed -n 4p "$data/postmaster.pid")  # already running (another terminal): on its port
  else
    port_taken "$PG_PORT" && PG_PORT=$(other_port pg "$PG_PORT" ONEGATE_PG_PORT)
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    # Shared buffers: an eighth of the memory, at most 2 GB (PostgreSQL's 128 MB default left the
    # 5M-people benchmark's name search reading its indexes through the kernel: 17 -> 8 ms of
    # database CPU a search). ONEGATE_PG_SHARED_BUFFERS sets it (e.g. 256MB).
    local buffers="${ONEGATE_PG_SHARED_BUFFERS:-$(awk '/^MemTotal/ { mb = int($2 / 1024 / 8); print (mb > 2048 ? 2048 : mb) "MB" }' /proc/meminfo)}"
    local options="-k $sock -c listen_addresses=127.0.0.1 -c shared_buffers=$buffers"
    if ! as_pg_owner "$bin/pg_ctl" -D "$data" -l "$PG_HOME/server.log" -w -o "-p $PG_PORT $options" start >/dev/null; then
      # The port was taken between the check and the start (another checkout starting too).
      tail -n 5 "$PG_HOME/server.log" | grep -q "could not bind" || die "PostgreSQL did not start: see $PG_HOME/server.log"
      PG_PORT=$(other_port pg "$PG_PORT" ONEGATE_PG_PORT)
      as_pg_owner "$bin/pg_ctl" -D "$data" -l "$PG_HOME/server.log" -w -o "-p $PG_PORT $options" start >/dev/null
    fi
    STARTED_PG=1
  fi
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/onegate"
  if ! "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='onegate'" | grep -q 1; then
    "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres onegate
  fi
}

# A Redis answers PING on this port (within 2 s: something else listening there may never answer).
redis_answers() { timeout 2 redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }

ensure_redis() {
  if [ -n "${REDIS_URL:-}" ]; then say "using REDIS_URL from the environment"; return 0; fi
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p "$VAR/redis"
  # A Redis answering on the port is used when it is this checkout's (or the port was set): another
  # checkout's would share its queue and its workers would take this portal's jobs.
  if redis_answers "$REDIS_PORT" && [ -z "${ONEGATE_REDIS_PORT:-}" ] \
    && [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" config get dir | tail -n 1)" != "$(cd "$VAR/redis" && pwd -P)" ]; then
    REDIS_PORT=$(other_port redis "$REDIS_PORT" ONEGATE_REDIS_PORT)
  fi
  if ! redis_answers "$REDIS_PORT"; then
    port_taken "$REDIS_PORT" && REDIS_PORT=$(other_port redis "$REDIS_PORT" ONEGATE_REDIS_PORT)
    say "starting Redis on 127.0.0.1:$REDIS_PORT"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
      --dir "$VAR/redis" --pidfile "$VAR/redis/redis.pid" --logfile "$VAR/redis/redis.log"
    for _ in $(seq 50); do redis_answers "$REDIS_PORT" && break; sleep 0.1; done
    # Ours, not another server that took the port meanwhile (stop_services shuts down what it started).
    [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" config get dir 2>/dev/null | tail -n 1)" = "$(cd "$VAR/redis" && pwd -P)" ] \
      || die "Redis did not start on port $REDIS_PORT (var/redis/redis.log says why)"
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
    as_pg_owner "$(pg_bindir)/pg_ctl" -D "$PG_HOME/data" -m fast -w stop >/dev/null 2>&1 || true
    STARTED_PG=""
  fi
}
