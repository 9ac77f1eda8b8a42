#!/usr/bin/env python
"""The portal's benchmark suite (``make bench``; results in docs/benchmarks/portal.md).

For each size (people in the registry):
1. A scratch database ``onegate_bench_<people>``: migrated, demo accounts and directory, then
   ``generate_people`` and ``generate_casework`` (complaints and referrals in proportion). It is kept
   between runs (``--reseed`` makes it again).
2. gunicorn as in production (DEBUG off, the Dockerfile's workers), on 127.0.0.1 only.
3. wrk, in its own process, drives each page (after --warmup seconds of unmeasured load) at 1, 12
   and 32 concurrent clients for a fixed time and reports requests/s and p50/p95/p99 latency, and
   the CPU milliseconds a request cost the portal's processes and PostgreSQL's. Each page is
   fetched once first and checked (status and a text it must contain), so a benchmark of an error
   page is refused.
Then, once: the registry import benchmark (scripts/bench_import.py, beside django-import-export's
default path and a plain PostgreSQL COPY of the same rows) and the beneficiary-list PDF benchmark
(scripts/bench_reports.py, beside one naive WeasyPrint render).

    .venv/bin/python scripts/bench.py [--people 100000 1000000] [--duration 10] [--clients 1 12 32]
        [--pages person-detail ...] [--no-import] [--no-pdf] [--reseed]

DATABASE_URL names the PostgreSQL server (its database name is replaced); REDIS_URL the Redis.
Nothing is measured by the test suite: these are figures for people, not assertions.
"""

import argparse
import datetime
import json
import os
import platform
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "58080"))
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = os.environ.get("DEMO_PASSWORD", "onegate-demo-2026")
OUTPUT = ROOT / "docs" / "benchmarks" / "portal.md"
CASEWORK_PER_THOUSAND = 30


@dataclass
class Page:
    """One thing people do, measured as wrk requests."""

    name: str
    user: str | None  # logged in as; None: no session (login itself)
    expect: str  # text the checked response must contain
    method: str = "GET"
    clients: tuple[int, ...] = ()  # default: --clients
    p95_ms: float | None = None  # targets at 12 clients (the issue's), None: none set
    p95_vs: tuple[str, float] | None = None  # or: at most this times the p95 of that page (same run)
    rps: float | None = None
    note: str = ""
    paths: list[str] = field(default_factory=list)
    body: str = ""


def pages(sample: dict) -> list[Page]:
    q = urllib.parse.quote
    return [
        Page("login (POST)", None, "", "POST", clients=(1, 12), note="PBKDF2 password hashing: slow by design"),
        Page("home dashboard", "manajer", 'id="dashboard"', paths=["/"]),
        Page(
            "person list, filtered",
            "manajer",
            "<table",
            paths=[f"/registri/orang/?region={r}&status=verified" for r in sample["villages"]]
            + [f"/registri/orang/?disability={d}" for d in ("fisik", "mental", "netra")]
            + ["/registri/orang/?decile=2&program=pkh"],
            p95_ms=150,
        ),
        Page(
            "person search by name",
            "manajer",
            "<table",
            paths=[f"/registri/orang/?q={q(n)}" for n in sample["names"]],
            p95_ms=150,
        ),
        Page(
            "person detail",
            "manajer",
            "<h1",
            paths=[f"/registri/orang/{pk}/" for pk in sample["people"]],
            p95_ms=40,
            rps=400,
        ),
        Page(
            "household detail",
            "manajer",
            "<h1",
            paths=[f"/registri/keluarga/{pk}/" for pk in sample["households"]],
            p95_ms=40,
            rps=400,
        ),
        Page(
            "complaint list",
            "manajer",
            "<table",
            paths=[
                "/pengaduan/",
                "/pengaduan/?status=baru",
                "/pengaduan/?sla=terlambat",
                "/pengaduan/?channel=telepon",
            ],
            p95_ms=150,
        ),
        Page("complaint intake (POST)", "loket", "", "POST", paths=["/pengaduan/baru/"], p95_ms=100),
        Page("referral inbox", "dinkes", "<table", paths=["/rujukan/", "/rujukan/?status=dikirim"], p95_ms=150),
        # Eligible but unserved (issue 18): within 1.5x the filtered person list's p95, same run.
        Page(
            "unserved index",
            "manajer",
            'id="unserved-services"',
            paths=["/rujukan/kelayakan/"],
            p95_vs=("person list, filtered", 1.5),
        ),
        Page(
            "unserved list",
            "manajer",
            'id="unserved-count"',
            paths=[f"/rujukan/kelayakan/{pk}/" for pk in sample["services"]]
            + [f"/rujukan/kelayakan/{pk}/?order=urgensi" for pk in sample["services"]]
            + [f"/rujukan/kelayakan/{pk}/?region={v}" for pk in sample["services"] for v in sample["villages"][:3]]
            + [f"/rujukan/kelayakan/{pk}/?page=2" for pk in sample["services"]],
            p95_vs=("person list, filtered", 1.5),
        ),
        # Anchors: what any request costs before a page does its own work, on the same server.
        Page(
            "anchor: health check",
            "manajer",
            '"ok"',
            paths=["/healthz"],
            clients=(12,),
            note="anchor: middleware, one query, one Redis ping, a JSON answer",
        ),
        Page(
            "anchor: signed-in form page",
            "manajer",
            "<form",
            paths=["/akun/kata-sandi/"],
            clients=(12,),
            note="anchor: the menu and a three-field form, no query of its own",
        ),
    ]


# --- the scratch database ---------------------------------------------------------------------


def server_url(database: str) -> str:
    url = urllib.parse.urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onegate"))
    return urllib.parse.urlunsplit(url._replace(path=f"/{database}"))


def psql(database_url: str, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        cur = conn.execute(sql)
        return cur.fetchall() if cur.description else []


def portal_env(database_url: str, **extra) -> dict:
    env = dict(
        os.environ, DATABASE_URL=database_url, ONEGATE_READ_DOT_ENV="false", DJANGO_SETTINGS_MODULE="onegate.settings"
    )
    env.update(extra)
    return env


def manage(database_url: str, *args: str) -> str:
    out = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=portal_env(database_url, DEBUG="1"),
                         check=True, capture_output=True, text=True)  # fmt: skip
    return out.stdout


def seed(people: int, reseed: bool) -> tuple[str, dict]:
    """The scratch database of this size, made once; returns its URL and what it holds."""
    name = f"onegate_bench_{people}"
    admin_url = server_url("postgres")
    exists = psql(admin_url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    url = server_url(name)
    done = exists and not reseed and psql(url, "SELECT to_regclass('bench_seeded') IS NOT NULL")[0][0]
    if not done:
        started = time.monotonic()
        psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        psql(admin_url, f'CREATE DATABASE "{name}"')
        print(f"[{people:,}] seeding {name}…", flush=True)
        manage(url, "migrate", "--noinput")
        manage(url, "seed_demo")
        print(
            "  " + manage(url, "generate_people", "--people", str(people), "--all-verified").strip().splitlines()[-1],
            flush=True,
        )
        print(
            "  "
            + manage(url, "generate_casework", "--per-thousand", str(CASEWORK_PER_THOUSAND)).strip().splitlines()[-1],
            flush=True,
        )
        psql(url, "VACUUM (ANALYZE)")
        psql(url, f"CREATE TABLE bench_seeded AS SELECT now() AS at, {time.monotonic() - started:.0f} AS seconds")
    else:
        manage(url, "migrate", "--noinput")  # a database kept from an older checkout
    # The eligible-but-unserved counts, as beat keeps them in a running portal.
    print("  " + manage(url, "count_unserved").strip().splitlines()[-1], flush=True)
    counts = {
        table: psql(url, f"SELECT count(*) FROM {table}")[0][0]
        for table in ("registry_person", "registry_household", "complaints_complaint", "referrals_referral")
    }
    seconds = psql(url, "SELECT seconds FROM bench_seeded")[0][0]
    print(
        f"[{people:,}] {name}: "
        + ", ".join(f"{t.split('_', 1)[1]} {n:,}" for t, n in counts.items())
        + f" (seeded in {seconds:.0f} s)",
        flush=True,
    )
    return url, {"counts": counts, "seed_seconds": float(seconds)}


def sample(url: str) -> dict:
    """Pages to ask for: random people and households of the city, names as officers type them."""
    rng = random.Random(7)
    people = [
        r[0]
        for r in psql(
            url,
            "SELECT id FROM registry_person TABLESAMPLE SYSTEM (2) REPEATABLE (7) WHERE merged_into_id IS NULL LIMIT 2000",
        )
    ]
    households = [
        r[0] for r in psql(url, "SELECT id FROM registry_household TABLESAMPLE SYSTEM (2) REPEATABLE (7) LIMIT 2000")
    ]
    names = [
        r[0] for r in psql(url, "SELECT full_name FROM registry_person TABLESAMPLE SYSTEM (1) REPEATABLE (7) LIMIT 400")
    ]
    villages = [
        r[0]
        for r in psql(
            url, "SELECT code FROM regions_region WHERE code LIKE '35.76.%' AND level = 'kelurahan' ORDER BY code"
        )
    ]
    # An officer types one or two words of a name, sometimes misspelt by a letter.
    typed = []
    for full in names:
        words = full.split()
        chosen = " ".join(words[: rng.choice([1, 2])]) if len(words) > 1 else words[0]
        if rng.random() < 0.3 and len(chosen) > 5:
            i = rng.randrange(1, len(chosen) - 1)
            chosen = chosen[:i] + chosen[i + 1 :]
        typed.append(chosen)
    for values in (people, households):
        rng.shuffle(values)
    # The services with eligibility criteria (the lists of /rujukan/kelayakan/).
    services = [
        r[0]
        for r in psql(
            url,
            "SELECT s.id FROM referrals_service s JOIN referrals_servicecriteria c ON c.service_id = s.id "
            "WHERE s.status = 'active' ORDER BY s.id",
        )
    ]
    return {"people": people, "households": households, "names": typed, "villages": villages, "services": services}


# --- the server and sessions ------------------------------------------------------------------


def start_gunicorn(url: str, workers: int) -> subprocess.Popen:
    static = ROOT / "var" / "bench-static"
    env = portal_env(
        url, DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="0", SECURE_HSTS_SECONDS="0", LOG_LEVEL="WARNING", STATIC_ROOT=str(static),
        PRIVATE_MEDIA_ROOT=str(ROOT / "var" / "bench-private"), EMAIL_URL="consolemail://",
    )  # fmt: skip
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    log = open(ROOT / "var" / "bench-gunicorn.log", "a")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "onegate.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(workers), "--backlog", "256"],
        cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{BASE}/akun/masuk/", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise SystemExit(f"gunicorn did not answer on {BASE} (see var/bench-gunicorn.log)")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def opener(jar: CookieJar):
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def fetch(browser, path: str, data: dict | None = None) -> tuple[int, str, dict]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(BASE + path, data=body, headers={"Referer": BASE + path})
    try:
        with browser.open(request, timeout=60) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace"), dict(exc.headers)


def csrf(jar: CookieJar) -> str:
    return next(c.value for c in jar if c.name == "csrftoken")


def cookie_header(jar: CookieJar) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def login(username: str) -> CookieJar:
    jar = CookieJar()
    browser = opener(jar)
    fetch(browser, "/akun/masuk/")
    status, _body, headers = fetch(
        browser, "/akun/masuk/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf(jar)}
    )
    if status != 302:
        raise SystemExit(f"could not log in as {username} (HTTP {status})")
    return jar


def intake_body(url: str, token: str) -> str:
    category = psql(
        url, "SELECT id FROM complaints_category WHERE parent_id IS NULL AND is_active ORDER BY id LIMIT 1"
    )[0][0]
    village = psql(
        url, "SELECT code FROM regions_region WHERE code LIKE '35.76.%' AND level = 'kelurahan' ORDER BY code LIMIT 1"
    )[0][0]
    return urllib.parse.urlencode({
        "csrfmiddlewaretoken": token, "channel": "datang", "complainant_name": "Siti Aminah", "complainant_phone": "081234567890",
        "complainant_relation": "diri_sendiri", "subject_name": "Siti Aminah", "subject_region": village, "category": category,
        "urgency": "biasa", "description": "Belum terdaftar sebagai penerima bantuan padahal keluarga tidak mampu.",
    })  # fmt: skip


def prepare(page: Page, url: str, sessions: dict[str, CookieJar]) -> tuple[str, str]:
    """The cookie and body wrk sends; the page fetched once and checked first."""
    if page.user is None:  # login: a fresh visitor's CSRF cookie, no session
        jar = CookieJar()
        fetch(opener(jar), "/akun/masuk/")
        page.paths = ["/akun/masuk/"]
        page.body = urllib.parse.urlencode(
            {"username": "manajer", "password": PASSWORD, "csrfmiddlewaretoken": csrf(jar)}
        )
        cookie = "csrftoken=" + csrf(jar)  # before logging in, which gives a new one
        status, _, _ = fetch(opener(jar), "/akun/masuk/", dict(urllib.parse.parse_qsl(page.body)))
        ok = status == 302
    else:
        jar = sessions[page.user]
        if page.method == "POST":
            page.body = intake_body(url, csrf(jar))
            status, text, headers = fetch(opener(jar), page.paths[0], dict(urllib.parse.parse_qsl(page.body)))
            ok = status == 302 and "tanda-terima" in headers.get("Location", "")
            if not ok:
                Path(ROOT / "var" / "bench-refused.html").write_text(text)
        else:
            status, text, _ = fetch(opener(jar), page.paths[0])
            ok = status == 200 and page.expect in text
        cookie = cookie_header(jar)
    if not ok:
        raise SystemExit(
            f"{page.name}: {page.paths[0]} answered {status}, not the page expected; refusing to measure it"
        )
    return cookie, page.body


def cpu_seconds() -> dict[str, float]:
    """CPU time used so far by the processes that serve a page: gunicorn (the portal's Python),
    postgres and redis-server, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {"app": 0.0, "db": 0.0, "redis": 0.0}
    kinds = {"gunicorn": "app", "postgres": "db", "redis-server": "redis"}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        kind = kinds.get(name) or ("app" if name.startswith("gunicorn") else None)
        if kind:
            # utime + stime, and cutime + cstime: what its exited children used (a backend that
            # closed its connection is counted in the postmaster from then on, not lost).
            used[kind] += sum(int(v) for v in fields[11:15]) / tick
    return used


def run_wrk(page: Page, clients: int, seconds: int, cookie: str) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(page.paths) + "\n")
    env = dict(os.environ, BENCH_PATHS=f.name, BENCH_COOKIE=cookie, BENCH_METHOD=page.method, BENCH_BODY=page.body,
               BENCH_REFERER=BASE + page.paths[0])  # fmt: skip
    threads = 1 if clients < 4 else 2
    before = cpu_seconds()
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "--timeout", "30s", "-s", str(ROOT / "scripts" / "bench.lua"), BASE],
                         env=env, capture_output=True, text=True, check=True)  # fmt: skip
    after = cpu_seconds()
    os.unlink(f.name)
    figures = json.loads(next(line for line in out.stdout.splitlines() if line.startswith("BENCH_JSON "))[11:])
    seconds_run = figures["duration_us"] / 1e6
    errors = sum(figures["errors"].values())
    return {
        "page": page.name, "clients": clients, "requests": figures["requests"], "rps": round(figures["requests"] / seconds_run, 1),
        "p50_ms": figures["p50_us"] / 1000, "p95_ms": figures["p95_us"] / 1000, "p99_ms": figures["p99_us"] / 1000,
        "errors": errors, "error_kinds": {k: v for k, v in figures["errors"].items() if v},
        # Where a request's time goes: CPU milliseconds per request of each kind of process.
        "cpu_ms": {k: round((after[k] - before[k]) * 1000 / max(figures["requests"], 1), 2) for k in after},
    }  # fmt: skip


def measure_pages(url: str, args, chosen: set[str] | None) -> list[dict]:
    sample_data = sample(url)
    server = start_gunicorn(url, args.workers)
    results = []
    try:
        sessions = {user: login(user) for user in ("manajer", "loket", "dinkes")}
        for page in pages(sample_data):
            if chosen and page.name.split(" (")[0].replace(" ", "-").replace(",", "") not in chosen:
                continue
            cookie, _ = prepare(page, url, sessions)
            if args.warmup:  # as a server in use: its pages' rows in PostgreSQL's and the kernel's caches
                run_wrk(page, max(page.clients or args.clients), args.warmup, cookie)
            for clients in page.clients or args.clients:
                result = run_wrk(page, clients, args.duration, cookie) | {
                    "target_p95_ms": page.p95_ms,
                    "target_p95_vs": page.p95_vs,
                    "target_rps": page.rps,
                    "note": page.note,
                }
                flag = f"  {result['errors']} errors {result['error_kinds']}" if result["errors"] else ""
                print(f"  {page.name:<26} {clients:>3} clients: {result['rps']:>7.1f} req/s  p50 {result['p50_ms']:7.1f}  "
                      f"p95 {result['p95_ms']:7.1f}  p99 {result['p99_ms']:7.1f} ms  CPU/req app {result['cpu_ms']['app']:.1f} db {result['cpu_ms']['db']:.1f} ms{flag}", flush=True)  # fmt: skip
                results.append(result)
    finally:
        stop(server)
    return results


# --- the import and PDF benchmarks ------------------------------------------------------------


def bench_json(command: list[str]) -> dict:
    """Runs one of the other benchmark scripts and takes the JSON line it ends with."""
    out = subprocess.run([sys.executable, *command], cwd=ROOT, env=dict(os.environ, ONEGATE_READ_DOT_ENV="false"),
                         capture_output=True, text=True)  # fmt: skip
    sys.stdout.write(
        "".join(f"  {line}\n" for line in out.stdout.splitlines() if not line.startswith(("{", "BENCH_JSON")))
    )
    if out.returncode:
        print(out.stderr[-3000:])
        raise SystemExit(f"{command[0]} failed")
    line = next(line for line in reversed(out.stdout.splitlines()) if line.startswith(("{", "BENCH_JSON ")))
    return json.loads(line.removeprefix("BENCH_JSON "))


# --- the record -------------------------------------------------------------------------------


def machine() -> dict:
    memory = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    pg = psql(server_url("postgres"), "SHOW server_version")[0][0]
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(int(memory.split()[1]) / 2**20, 1),
        "python": platform.python_version(),
        "postgresql": pg,
    }


def verdict(result: dict, same_run: list[dict] = ()) -> str:
    """Met or missed, for the rows the issue sets a target for (12 clients)."""
    if result["clients"] == 12 and result.get("target_p95_vs"):
        other, factor = result["target_p95_vs"]
        reference = next((r for r in same_run if r["page"] == other and r["clients"] == 12), None)
        if reference is None:
            return ""
        limit = reference["p95_ms"] * factor
        ok = result["p95_ms"] <= limit and not result["errors"]
        return ("met" if ok else "**missed**") + f" (p95 ≤ {factor}× {other}: {limit:.0f} ms)"
    if result["clients"] != 12 or (result["target_p95_ms"] is None and result["target_rps"] is None):
        return ""
    wants, ok = [], True
    if result["target_p95_ms"] is not None:
        wants.append(f"p95 ≤ {result['target_p95_ms']:.0f} ms")
        ok &= result["p95_ms"] <= result["target_p95_ms"]
    if result["target_rps"] is not None:
        wants.append(f"≥ {result['target_rps']:.0f} req/s")
        ok &= result["rps"] >= result["target_rps"]
    return ("met" if ok and not result["errors"] else "**missed**") + " (" + ", ".join(wants) + ")"


def markdown(record: dict) -> str:
    m = record["machine"]
    lines = [
        "# Portal benchmark", "",
        "Made by `make bench` (scripts/bench.py); the latest run is below, every run is kept in `portal.jsonl`.",
        "Pages are measured with wrk in its own process against gunicorn as in production (DEBUG off, "
        f"{record['workers']} workers), {record['duration_s']} s per page and number of clients after {record.get('warmup_s', 0)} s of unmeasured load, "
        "on the same machine. CPU ms/req: what one request cost gunicorn's processes and PostgreSQL's (from /proc); "
        "on 2 cores, 2,000 divided by their sum (and wrk's share) bounds the requests per second.", "",
        f"- Run: {record['started']}; load average before {' / '.join(f'{v:.1f}' for v in record['load_before'])}, "
        f"after {' / '.join(f'{v:.1f}' for v in record['load_after'])}",
        f"- Machine: {m['cpus']} cores ({m['cpu']}), {m['memory_gb']} GB, Python {m['python']}, PostgreSQL {m['postgresql']}", "",
    ]  # fmt: skip
    for size in record["sizes"]:
        c = size["counts"]
        lines += [
            f"## {size['people']:,} people", "",
            f"{c['registry_person']:,} people, {c['registry_household']:,} households, {c['complaints_complaint']:,} complaints, "
            f"{c['referrals_referral']:,} referrals (seeded in {size['seed_seconds']:.0f} s).", "",
            "| page | clients | req/s | p50 ms | p95 ms | p99 ms | errors | CPU ms/req: portal · PostgreSQL | target at 12 clients |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]  # fmt: skip
        for r in size["pages"]:
            target = verdict(r, size["pages"]) or (
                r["note"] if r["clients"] == min(x["clients"] for x in size["pages"] if x["page"] == r["page"]) else ""
            )
            cpu = f"{r['cpu_ms']['app']:.1f} · {r['cpu_ms']['db']:.1f}" if "cpu_ms" in r else ""
            lines.append(
                f"| {r['page']} | {r['clients']} | {r['rps']:.1f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} | {cpu} | {target} |"
            )
        lines.append("")
    if "import" in record:
        i = record["import"]
        lines += ["## Registry import", "", f"{i['rows']:,} rows (scripts/bench_import.py; target: 30,000 rows/s with full validation).", "",
                  "| path | rows/s |", "| --- | ---: |"]  # fmt: skip
        lines += [f"| {label} | {value:,.0f} |" for label, value in i["rates"].items()]
        lines.append("")
    if "pdf" in record:
        lines += ["## Beneficiary-list PDF", "", "scripts/bench_reports.py (target for 20,000 rows: ≤ 60 s, ≤ 500 MB peak).", "",
                  "| render | rows | seconds | peak MB | pages |", "| --- | ---: | ---: | ---: | ---: |"]  # fmt: skip
        for r in record["pdf"]["results"]:
            lines.append(
                f"| {'portal (parts)' if r['kind'] == 'portal' else 'one naive WeasyPrint render'} | {r['rows']:,} | {r['seconds']:.1f} | {r['peak_mb']:.0f} | {r['pages']} |"
            )
        lines.append("")
    return "\n".join(lines)


def write(record: dict, output: Path) -> None:
    with output.with_suffix(".jsonl").open("a") as f:
        f.write(json.dumps(record) + "\n")
    output.write_text(markdown(record))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, nargs="+", default=[100_000])
    parser.add_argument("--duration", type=int, default=10, help="seconds per page and number of clients")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 12, 32])
    parser.add_argument("--warmup", type=int, default=3, help="seconds of unmeasured load on each page first")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (the Dockerfile's 3)")
    parser.add_argument("--pages", nargs="*", help="only these (e.g. person-detail complaint-intake)")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--no-import", action="store_true")
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument(
        "--naive-rows", type=int, nargs="*", default=[5000], help="rows of the naive one-render PDF anchor"
    )
    parser.add_argument("--reseed", action="store_true", help="make the scratch databases again")
    parser.add_argument("--output", default=str(OUTPUT))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench installs it)")

    record = {"started": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
              "duration_s": args.duration, "warmup_s": args.warmup, "workers": args.workers, "load_before": os.getloadavg(), "sizes": []}  # fmt: skip
    for people in args.people:
        url, held = seed(people, args.reseed)
        results = measure_pages(url, args, set(args.pages) if args.pages else None)
        record["sizes"].append({"people": people, **held, "pages": results})
    if not args.no_import:
        print(f"import of {args.import_rows:,} rows…", flush=True)
        record["import"] = bench_json(["scripts/bench_import.py", "--rows", str(args.import_rows), "--json"])
    if not args.no_pdf:
        print("beneficiary-list PDF…", flush=True)
        record["pdf"] = bench_json(
            ["scripts/bench_reports.py", "--sizes", "1000", "5000", "20000", "--naive-rows", *map(str, args.naive_rows)]
        )
    record["load_after"] = os.getloadavg()
    write(record, Path(args.output))
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
