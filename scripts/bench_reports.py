#!/usr/bin/env python
"""Benchmark of the beneficiary list (report type 4) on a scratch database; writes
docs/benchmarks/reports.md (see there for how to read the figures).

1. Creates (or empties) the scratch database, migrates it and loads the demo regions.
2. Generates verified families with registry.devdata.synthetic in Kota Mojokerto's 18 kelurahan and trims
   them to exactly 1,000 people in the first kelurahan, 1,000 in each of the next four and 15,000
   in the other thirteen: the lists of the first kelurahan, of the first five and of all eighteen
   have 1,000, 5,000 and 20,000 rows.
3. Renders each list as the portal does (services.request_report + services.run, as a Celery
   worker would), measuring the wall time and the peak memory: the resident memory of this process
   and all its child processes, summed, sampled every 20 ms.
4. Renders the same rows the naive way, as one WeasyPrint document (one long table, its header
   repeated on each page) in a child process, as the anchor (--naive-rows, 0 to skip).

    .venv/bin/python scripts/bench_reports.py [--sizes 1000 5000 20000] [--naive-rows 1000 5000 20000]
        [--database onegate_bench_reports] [--reuse-data]

DATABASE_URL names the server (its database name is replaced by --database); nothing else is touched.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GROUPS = [(1, 1000), (4, 4000), (13, 15000)]  # (kelurahan, people in all of them)


def scratch_database(name: str, reuse: bool) -> str:
    import psycopg

    url = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onegate"))
    if not reuse:
        with psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(url._replace(path=f"/{name}"))


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onegate.settings")
    os.environ["ONEGATE_READ_DOT_ENV"] = "false"
    import django

    django.setup()
    from django.conf import settings

    settings.PRIVATE_MEDIA_ROOT = ROOT / "var" / "bench-private"


class PeakMemory:
    """The highest sum of resident memory of this process and all its descendants, sampled."""

    def __init__(self, interval: float = 0.02):
        self.interval, self.peak, self.peak_processes, self.running = interval, 0, 0, False

    @staticmethod
    def _tree_rss() -> tuple[int, int]:
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                pid, ppid = int(entry.name), int(fields[1])
                rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
                children.setdefault(ppid, []).append(pid)
            except (OSError, IndexError, ValueError):
                continue
        total, count, stack = 0, 0, [os.getpid()]
        while stack:
            pid = stack.pop()
            total += rss.get(pid, 0)
            count += 1
            stack.extend(children.get(pid, []))
        return total, count

    def _run(self):
        while self.running:
            total, count = self._tree_rss()
            if total > self.peak:
                self.peak, self.peak_processes = total, count
            time.sleep(self.interval)

    def __enter__(self):
        self.peak, self.running = 0, True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()


def make_people() -> list[list[str]]:
    """Verified, living people: exactly 1,000 / 4 × 1,000 / 15,000 in the kelurahan groups."""
    from django.db import connection

    from onegate.regions.models import Region
    from registry.devdata import synthetic
    from registry.models import Person

    villages = list(
        Region.objects.filter(code__startswith="35.76.", level="kelurahan")
        .order_by("code")
        .values_list("code", flat=True)
    )
    groups, start = [], 0
    for count, _ in GROUPS:
        groups.append(villages[start : start + count])
        start += count
    for (count, target), codes in zip(GROUPS, groups, strict=True):
        synthetic.generate(households=int(target / 3.2) + 100, seed=len(codes), kelurahan_codes=codes, status_mix=False)
        quotas = [target // count + (1 if i < target % count else 0) for i in range(count)]
        keep = set()
        for code, quota in zip(codes, quotas, strict=True):  # exactly the group's total
            keep.update(Person.objects.filter(region_id=code).order_by("pk").values_list("pk", flat=True)[:quota])
        surplus = list(Person.objects.filter(region_id__in=codes).exclude(pk__in=keep).values_list("pk", flat=True))
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE registry_disabilityprofile SET caregiver_id = NULL WHERE caregiver_id = ANY(%s)", [surplus]
            )
        Person.objects.filter(pk__in=surplus).delete()
    Person.objects.update(status="verified", life_status="hidup")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return [groups[0], groups[0] + groups[1], groups[0] + groups[1] + groups[2]]


def manager():
    from onegate.accounts.models import Role, User

    user, _ = User.objects.get_or_create(
        username="bench.manajer", defaults={"role": Role.MANAGER, "region_id": "35.76", "first_name": "Bench"}
    )
    return user


def run_portal(codes: list[str]) -> dict:
    """Request and render the list as a worker does; time and peak memory."""
    from unittest import mock

    from reports import services
    from reports.models import ReportType

    with mock.patch.object(services, "enqueue"):
        report = services.request_report(user=manager(), report_type=ReportType.BENEFICIARY_LIST, regions=codes)
    with PeakMemory() as memory:
        started = time.monotonic()
        cpu = os.times()
        status = services.run(report.pk)
        elapsed = time.monotonic() - started
        after = os.times()
    report.refresh_from_db()
    assert status == "siap", report.error
    cpu_seconds = (
        (after.user - cpu.user)
        + (after.system - cpu.system)
        + (after.children_user - cpu.children_user)
        + (after.children_system - cpu.children_system)
    )
    return {
        "rows": rows_of(codes),
        "seconds": elapsed,
        "cpu_seconds": cpu_seconds,
        "peak_mb": memory.peak / 2**20,
        "processes": memory.peak_processes,
        "pages": report.page_count,
        "size_mb": report.size / 2**20,
    }


def rows_of(codes) -> int:
    from registry.models import Person

    return Person.objects.filter(region_id__in=codes).count()


NAIVE = """{% load i18n %}<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{{ title }}</title><style>
@page { size: A4 landscape; margin: 14mm 10mm; @bottom-right { content: "Halaman " counter(page) " dari " counter(pages); font-size: 7.5pt } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 7pt; }
table { width: 100%; border-collapse: collapse; }
thead { display: table-header-group; }
th, td { border: .5pt solid #000; padding: .4mm 1mm; vertical-align: top; height: 9.2mm; }
tr { break-inside: avoid; }
</style></head><body><h1>{{ title }}</h1><table><thead><tr><th>No.</th><th>Nama · NIK</th><th>Alamat</th><th>Keterangan</th>
<th>Ditemukan</th><th>Data sesuai</th><th>Catatan</th><th>Tanda tangan</th></tr></thead><tbody>
{% for code, name, identity, address, notes in rows %}<tr><td>{{ forloop.counter }}</td><td>{{ name }}<br>{{ identity }}</td><td>{{ address }}</td><td>{{ notes }}</td><td></td><td></td><td></td><td></td></tr>{% endfor %}
</tbody></table></body></html>"""


def run_naive(codes: list[str], rows_wanted: int) -> dict:
    """The same rows as one WeasyPrint document, rendered in one child process."""
    from django.template import Context, Template
    from django.utils import timezone

    from reports import kinds
    from reports.models import ReportRequest, ReportType
    from reports.scope import RequesterScope

    kind = kinds.get(ReportType.BENEFICIARY_LIST)
    report = ReportRequest(
        report_type=ReportType.BENEFICIARY_LIST,
        regions=codes,
        include_unverified=True,
        scope_role="manager",
        scope_region_id="35.76",
    )
    rows = list(kind.rows(kind.people(report, RequesterScope.city_manager()), timezone.localdate()))[:rows_wanted]
    work = ROOT / "var" / "bench-private"
    work.mkdir(parents=True, exist_ok=True)
    html = work / "naive.html"
    html.write_text(Template(NAIVE).render(Context({"rows": rows, "title": "Daftar penerima (naive)"})))
    script = (
        "import sys, resource, time; from weasyprint import HTML; t = time.monotonic(); "
        "d = HTML(filename=sys.argv[1]).render(); d.write_pdf(sys.argv[2], pdf_variant='pdf/ua-1'); "
        "print(len(d.pages), time.monotonic() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    with PeakMemory() as memory:
        started = time.monotonic()
        out = subprocess.run(
            [sys.executable, "-c", script, str(html), str(work / "naive.pdf")],
            capture_output=True,
            text=True,
            check=True,
        )
        elapsed = time.monotonic() - started
    pages, _, child_max_kb = out.stdout.split()
    return {
        "rows": len(rows),
        "seconds": elapsed,
        "peak_mb": memory.peak / 2**20,
        "child_max_mb": int(child_max_kb) / 1024,
        "pages": int(pages),
        "size_mb": (work / "naive.pdf").stat().st_size / 2**20,
    }


def machine() -> str:
    cpuinfo, meminfo = Path("/proc/cpuinfo").read_text().splitlines(), Path("/proc/meminfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    memory = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal")) / 2**20
    import weasyprint

    return f"{os.cpu_count()} vCPU ({cpu}), {memory:.0f} GB RAM; Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000, 20000])
    parser.add_argument("--naive-rows", type=int, nargs="*", default=[1000, 5000, 20000])
    parser.add_argument("--database", default="onegate_bench_reports")
    parser.add_argument("--reuse-data", action="store_true", help="keep the scratch database of a previous run")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks" / "reports.md"))
    args = parser.parse_args()

    setup_django(scratch_database(args.database, args.reuse_data))
    from django.core.management import call_command

    if not args.reuse_data:
        call_command("migrate", verbosity=0)
        from onegate.regions.services import load_demo_regions

        load_demo_regions()
        lists = make_people()
    else:
        from onegate.regions.models import Region

        villages = list(
            Region.objects.filter(code__startswith="35.76.", level="kelurahan")
            .order_by("code")
            .values_list("code", flat=True)
        )
        lists = [villages[:1], villages[:5], villages]
    by_size = {rows_of(codes): codes for codes in lists}
    started_at = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()
    results = []
    for size in args.sizes:
        codes = by_size[size]
        result = run_portal(codes)
        print(
            f"portal {result['rows']:>6} rows: {result['seconds']:6.1f} s (CPU {result['cpu_seconds']:.0f} s), peak {result['peak_mb']:5.0f} MB "
            f"({result['processes']} processes), {result['pages']} pages, {result['size_mb']:.1f} MB",
            flush=True,
        )
        results.append({"kind": "portal", **result})
    for size in args.naive_rows:
        result = run_naive(by_size[max(by_size)], size)
        print(
            f"naive  {result['rows']:>6} rows: {result['seconds']:6.1f} s, peak {result['peak_mb']:5.0f} MB, {result['pages']} pages, {result['size_mb']:.1f} MB",
            flush=True,
        )
        results.append({"kind": "naive", **result})
    record = {
        "started": started_at,
        "load_before": load,
        "load_after": os.getloadavg(),
        "machine": machine(),
        "results": results,
    }
    print(json.dumps(record))
    history = Path(args.output).with_suffix(".jsonl")
    with history.open("a") as f:
        f.write(json.dumps(record) + "\n")
    runs = [json.loads(line) for line in history.read_text().splitlines() if line.strip()]
    Path(args.output).write_text(markdown(record, runs))


TARGET_SECONDS, TARGET_MB = 60, 500


def markdown(record: dict, runs: list[dict]) -> str:
    def load(values):
        return " / ".join(f"{v:.1f}" for v in values)

    portal = [r for r in record["results"] if r["kind"] == "portal"]
    naive = [r for r in record["results"] if r["kind"] == "naive"]
    lines = [
        "# Benchmark: the beneficiary list (report type 4)",
        "",
        "How long the portal takes to render the beneficiary list for field verification, and how much",
        "memory it needs, for 1,000, 5,000 and 20,000 people, beside one plain WeasyPrint render of the",
        "same rows. Written by `scripts/bench_reports.py` (run it again to refresh this page).",
        "",
        "## How to run it",
        "",
        "```sh",
        "make run   # or at least PostgreSQL and Redis running, and a .env (see README)",
        ".venv/bin/python scripts/bench_reports.py                   # data, the three lists, the naive anchor",
        ".venv/bin/python scripts/bench_reports.py --reuse-data --naive-rows   # again on the same data, no anchor",
        "```",
        "",
        "The script works in a scratch database (`--database`, default `onegate_bench_reports`, dropped and",
        "created on the server of `DATABASE_URL`): it generates verified families with `registry.devdata.synthetic`",
        "and keeps exactly 1,000 people in the first kelurahan of Kota Mojokerto, 4,000 in the next four and",
        "15,000 in the other thirteen, so the lists of 1, 5 and 18 kelurahan have 1,000, 5,000 and 20,000 rows.",
        "Each list is requested and rendered as a worker does it (`services.request_report`, `services.run`).",
        "**Time** is the wall-clock time of `services.run` (query, HTML, rendering, joining, saving); **peak",
        "memory** is the largest sum of the resident memory of the process and all its child processes,",
        "sampled every 20 ms; CPU is the CPU time of the process and its children.",
        "",
        "## How the list stays within bounds",
        "",
        "- The list paginates itself: 16 rows of fixed height a page (texts shortened so a row never",
        '  grows), each kelurahan from a new page, each page with its own "Page X of Y".',
        "- It is rendered in parts of 30 pages by child processes (`REPORT_RENDER_PROCESSES`, 2: one per",
        "  core), each replaced after 10 parts, so WeasyPrint's memory (about 5 MB a page, kept until its",
        "  process ends) never piles up; the renderer checks that each part made the pages planned.",
        "- The parts are joined by copying their objects (`reports/pdfmerge.py`): the structure trees are",
        "  joined too, so the document stays a tagged PDF/UA-1 file; dictionaries are packed into",
        "  compressed object streams.",
        "- Rows are cheap for WeasyPrint: no cells for the four pen-and-paper columns (the page's",
        "  background draws the grid), no empty cells, no elements inside cells.",
        "",
        "## Machine",
        "",
        f"{record['machine']}; PostgreSQL on the same machine. Measured on {record['started']}. **The machine is",
        f"shared**: other jobs ran at the same time (load average {load(record['load_before'])} before the run,",
        f"{load(record['load_after'])} after, on 2 cores), so times vary between runs; CPU time is given beside them.",
        "",
        "## Results",
        "",
        "| list | rows | pages | PDF | time | CPU | peak memory | processes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in portal:
        lines.append(
            f"| portal | {r['rows']:,} | {r['pages']:,} | {r['size_mb']:.1f} MB | **{r['seconds']:.1f} s** | {r['cpu_seconds']:.0f} s | "
            f"**{r['peak_mb']:.0f} MB** | {r['processes']} |"
        )
    for r in naive:
        lines.append(
            f"| naive (one render) | {r['rows']:,} | {r['pages']:,} | {r['size_mb']:.1f} MB | {r['seconds']:.1f} s | — | {r['peak_mb']:.0f} MB | 2 |"
        )
    biggest = max(portal, key=lambda r: r["rows"], default=None)
    if biggest:
        met_time = biggest["seconds"] <= TARGET_SECONDS
        met_memory = biggest["peak_mb"] <= TARGET_MB
        verdict = (
            f"Target for {biggest['rows']:,} rows: at most {TARGET_SECONDS} s and {TARGET_MB} MB. Time: "
            f"{'met' if met_time else '**not met**'} ({biggest['seconds']:.1f} s); memory: {'met' if met_memory else '**not met**'} ({biggest['peak_mb']:.0f} MB)."
        )
        lines += ["", verdict]
    lines += [
        "",
        "## Every run of the 20,000-row list",
        "",
        "All runs recorded in `reports.jsonl` (the load is the 1-minute load average of",
        "the machine before and after the run: the other jobs on these 2 cores).",
        "",
        "| run (UTC) | load before → after | time | CPU | peak memory |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for run in runs:
        for r in run["results"]:
            if r["kind"] == "portal" and r["rows"] == 20000:
                lines.append(
                    f"| {run['started']} | {run['load_before'][0]:.1f} → {run['load_after'][0]:.1f} | {r['seconds']:.1f} s | "
                    f"{r['cpu_seconds']:.0f} s | {r['peak_mb']:.0f} MB |"
                )
    lines += [
        "",
        "The naive anchor renders the same rows as one HTML table (cells with borders, the header repeated",
        "on each page by `display: table-header-group`, CSS page counters) in one WeasyPrint process, PDF/UA-1",
        "as well; its peak includes this script's own process (about 150 MB).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
