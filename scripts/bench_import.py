#!/usr/bin/env python
"""Benchmark of the registry import on a scratch database (see docs/benchmarks/import.md).

1. Creates (or empties) the scratch database, migrates it and loads the demo regions.
2. Generates families with registry.devdata.synthetic (Kota Mojokerto, NIKs that agree with sex, birth date
   and kecamatan), writes ROWS of them as a template CSV (semicolons, both date formats, Indonesian
   labels, profiles), then empties the registry so the import starts from nothing.
3. Runs our importer as the portal does (upload + preview, confirm + apply) as the manager, timing
   validation (reading and checking, at the preview), the re-check of the preview's plan at the
   confirmation, and writing separately, then imports the same file again (nothing changes), then
   the file with every phone number changed (every person is updated). Right after the first
   import, PostgreSQL alone writes the same records again (COPY into the registry's tables with
   their indexes, the commit's foreign-key checks): the floor of the writing.
4. Runs django-import-export's default path (a plain ModelResource for Person, import_data) on the
   first BASELINE_ROWS rows of the same file, in the emptied registry.

    .venv/bin/python scripts/bench_import.py [--rows 100000] [--baseline-rows 10000] [--database onegate_bench_import] [--reuse-file]

DATABASE_URL names the server (its database name is replaced by --database); nothing else is touched.
"""

import argparse
import csv
import json
import os
import resource
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def scratch_database(name: str) -> str:
    import psycopg

    url = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onegate"))
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

    settings.REGISTRY_IMPORT_SYNC_MAX_ROWS = 10**9  # everything in this process, timed
    settings.PRIVATE_MEDIA_ROOT = ROOT / "var" / "bench-private"


REGISTRY_TABLES = (
    "registry_personppks", "registry_programreceipt", "registry_welfareprofile", "registry_disabilityprofile",
    "registry_person", "registry_household", "audit_logentry",
)  # fmt: skip


def empty_registry() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(REGISTRY_TABLES)} RESTART IDENTITY CASCADE")
        cursor.execute("VACUUM ANALYZE")


RELATIONSHIP_WORDS = {
    "kepala": "Kepala Keluarga", "suami_istri": "Istri", "anak": "Anak", "menantu": "Menantu", "cucu": "Cucu",
    "orang_tua": "Orang Tua", "mertua": "Mertua", "famili_lain": "Famili Lain", "lainnya": "Lainnya",
}  # fmt: skip


def build_csv(path: Path, rows: int) -> int:
    """Generate families and write the first ``rows`` people as the import template."""
    from django.db.models import Prefetch

    from registry.devdata import synthetic
    from registry.importing.columns import COLUMN_NAMES
    from registry.models import Person, PersonPpks, ProgramReceipt

    synthetic.generate(households=int(rows / 3.55) + 200, seed=2026, status_mix=False)
    people = (
        Person.objects.select_related("household", "disability", "welfare")
        .prefetch_related(
            Prefetch("programs", queryset=ProgramReceipt.objects.order_by("year")),
            Prefetch("ppks", queryset=PersonPpks.objects.select_related("category")),
        )
        .order_by("household_id", "id")
    )
    written = 0
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(COLUMN_NAMES)
        for p in people[:rows].iterator(chunk_size=5000):
            h = p.household
            d = getattr(p, "disability", None) if hasattr(p, "disability") else None
            w = getattr(p, "welfare", None) if hasattr(p, "welfare") else None
            if p.relationship == "suami_istri" and p.sex == "L":
                relationship = "Suami"
            else:
                relationship = RELATIONSHIP_WORDS.get(p.relationship, "")
            birth = p.birth_date.strftime("%d/%m/%Y" if written % 3 else "%Y-%m-%d")
            writer.writerow([
                p.nik or "", h.kk_number if h else "", p.full_name, p.sex, p.birth_place, birth, relationship,
                h.address if h else p.domicile_address, h.rt if h else "", h.rw if h else "", p.region_id,
                p.religion, p.marital_status.replace("_", " "), p.education, p.occupation, p.mother_name, p.phone,
                ", ".join(d.types) if d else "", d.severity if d else "", d.cause if d else "", ", ".join(x.replace("_", " ") for x in d.devices_needed) if d else "",
                w.dtks_status.replace("_", " ") if w else "", (w.decile or "") if w else "", ("ya" if w.uninhabitable_house else "tidak") if w else "",
                "; ".join(f"{r.get_program_display()} {r.year}" for r in p.programs.all()),
                "; ".join(str(x.category.code) for x in p.ppks.all()),
            ])  # fmt: skip
            written += 1
    return written


def with_new_phones(path: Path) -> Path:
    """The same file with every telepon changed: every row becomes a changed person."""
    changed = path.with_name(path.stem + "-changed.csv")
    with (
        path.open(encoding="utf-8-sig", newline="") as source,
        changed.open("w", encoding="utf-8-sig", newline="") as target,
    ):
        reader, writer = csv.reader(source, delimiter=";"), csv.writer(target, delimiter=";")
        header = next(reader)
        writer.writerow(header)
        phone = header.index("telepon")
        for n, row in enumerate(reader):
            row[phone] = f"0899{n:08d}"
            writer.writerow(row)
    return changed


class Timer:
    """Wall-clock seconds, and this process's CPU seconds (the machine is shared: the difference is
    time spent waiting for PostgreSQL or for a core)."""

    def __init__(self):
        self.seconds, self.cpu = {}, {}

    def wrap(self, module, name, label):
        original = getattr(module, name)

        def timed(*args, **kwargs):
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0) + time.perf_counter() - started
                self.cpu[label] = self.cpu.get(label, 0) + time.process_time() - cpu

        setattr(module, name, timed)
        return original


def run_importer(path: Path, user) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from registry.importing import batches

    timer = Timer()
    originals = [
        (name, timer.wrap(batches, name, label))
        for name, label in (
            ("make_plan", "validation"), ("_stored_plan", "recheck"), ("still_holds", "recheck"),
            ("write_plan", "writing"), ("_refresh_statistics", "statistics"),
        )
    ]  # fmt: skip
    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
    try:
        started = time.perf_counter()
        batch = batches.upload(upload, user=user, request_id="bench-import")
        preview = time.perf_counter() - started
        preview_cpu = timer.cpu.pop("validation")
        timer.seconds.pop("validation")
        timer.seconds.pop("recheck", None)
        started = time.perf_counter()
        batches.confirm(batch, user=user, nik_warnings_checked=True, request_id="bench-import")
        apply = time.perf_counter() - started
    finally:
        for name, original in originals:
            setattr(batches, name, original)
    batch.refresh_from_db()
    assert batch.status == "selesai", (batch.status, batch.message)
    seconds = timer.seconds
    return {
        "rows": batch.total_rows, "new": batch.new_count, "changed": batch.changed_count, "unchanged": batch.unchanged_count,
        "invalid": batch.invalid_count, "preview_s": preview, "preview_cpu_s": preview_cpu, "apply_s": apply,
        "apply_validation_s": seconds.get("validation", 0), "recheck_s": seconds.get("recheck", 0),
        "writing_s": seconds.get("writing", 0), "statistics_s": seconds.get("statistics", 0),
        "commit_s": apply - sum(seconds.get(k, 0) for k in ("validation", "recheck", "writing", "statistics")),
    }  # fmt: skip


def run_import_export(path: Path, rows: int) -> dict:
    import tablib
    from import_export import fields, resources, widgets

    from onegate.regions.models import Region
    from registry.models import Person

    class PersonResource(resources.ModelResource):
        """The library's default path: a ModelResource, only told which column is which field."""

        nik = fields.Field(attribute="nik", column_name="nik")
        full_name = fields.Field(attribute="full_name", column_name="nama")
        sex = fields.Field(attribute="sex", column_name="jenis_kelamin")
        birth_place = fields.Field(attribute="birth_place", column_name="tempat_lahir")
        birth_date = fields.Field(
            attribute="birth_date", column_name="tanggal_lahir", widget=widgets.DateWidget(format="%d/%m/%Y")
        )
        region = fields.Field(
            attribute="region", column_name="kode_wilayah", widget=widgets.ForeignKeyWidget(Region, "code")
        )
        occupation = fields.Field(attribute="occupation", column_name="pekerjaan")
        mother_name = fields.Field(attribute="mother_name", column_name="nama_ibu")
        phone = fields.Field(attribute="phone", column_name="telepon")

        class Meta:
            model = Person
            import_id_fields = ("nik",)
            fields = (
                "nik",
                "full_name",
                "sex",
                "birth_place",
                "birth_date",
                "region",
                "occupation",
                "mother_name",
                "phone",
            )

    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=";")
        header = next(reader)
        data = []
        for row in reader:
            record = dict(zip(header, row, strict=True))
            if not record["nik"]:
                continue  # the plain resource cannot flag people without a NIK
            if "-" in record["tanggal_lahir"]:
                y, m, d = record["tanggal_lahir"].split("-")
                record["tanggal_lahir"] = f"{d}/{m}/{y}"
            data.append([record[h] for h in header])
            if len(data) == rows:
                break
    dataset = tablib.Dataset(*data, headers=header)
    started = time.perf_counter()
    result = PersonResource().import_data(dataset, dry_run=False)
    seconds = time.perf_counter() - started
    assert not result.has_errors() and not result.has_validation_errors(), result.totals
    return {"rows": len(data), "seconds": seconds, "totals": dict(result.totals)}


def run_records_copy() -> dict:
    """PostgreSQL alone, writing what the first import wrote: its records (people, households,
    profiles, programmes, PPKS and audit rows, read back with COPY TO) deleted and COPY'd into the
    registry's own tables again, with their indexes, in one transaction whose commit runs the
    deferred foreign-key checks. No Python builds a row: the floor of the writing. The registry is
    left as it was (the same rows, ids and all)."""
    from django.db import connection, transaction

    tables = REGISTRY_TABLES
    dumps = {}
    with connection.cursor() as cursor:
        for table in tables:
            dumps[table] = bytearray()
            with cursor.copy(f"COPY {table} TO STDOUT (FORMAT BINARY)") as copy:
                for chunk in copy:
                    dumps[table] += chunk
        cursor.execute(
            f"SELECT sum(n) FROM (SELECT count(*) AS n FROM {' UNION ALL SELECT count(*) FROM '.join(tables)}) counts"
        )
        records = cursor.fetchone()[0]
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")  # (the tables pointing at people are empty here)
        cursor.execute("VACUUM ANALYZE")
    seconds = {}
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            at = time.perf_counter()
            with cursor.copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as copy:
                data = memoryview(dumps[table])
                for i in range(0, len(data), 2**20):
                    copy.write(data[i : i + 2**20])
            seconds[table] = time.perf_counter() - at
        committing = time.perf_counter()
    seconds["commit"] = time.perf_counter() - committing
    total = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")
    return {"records": records, "seconds": total, "parts": seconds}


def run_copy(path: Path) -> dict:
    """The floor: PostgreSQL COPY of the same file into a table of text columns, no checks at all."""
    from django.db import connection

    with path.open(encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f, delimiter=";"))
    columns = ", ".join(f'"c{i}" text' for i in range(len(header)))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE bench_copy ({columns})")
        with (
            path.open("rb") as f,
            cursor.copy("COPY bench_copy FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)") as copy,
        ):
            while chunk := f.read(1 << 20):
                copy.write(chunk)
        cursor.execute("SELECT count(*) FROM bench_copy")
        rows = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_copy")
    return {"rows": rows, "seconds": time.perf_counter() - started}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=10_000)
    parser.add_argument("--database", default="onegate_bench_import")
    parser.add_argument("--reuse-file", action="store_true", help="use var/bench-import-ROWS.csv if it is there")
    parser.add_argument(
        "--json", action="store_true", help="end with one line BENCH_JSON {...} of the rates (for scripts/bench.py)"
    )
    args = parser.parse_args()

    setup_django(scratch_database(args.database))
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from onegate.accounts.models import Role, User
    from onegate.regions.services import load_demo_regions

    load_demo_regions()
    manager = User.objects.create_user(
        "bench.manajer", email="bench@example.test", password=None, role=Role.MANAGER, region_id="35.76"
    )

    path = ROOT / "var" / f"bench-import-{args.rows}.csv"
    path.parent.mkdir(exist_ok=True)
    if not (args.reuse_file and path.exists()):
        started = time.perf_counter()
        rows = build_csv(path, args.rows)
        print(f"file: {rows} rows, {path.stat().st_size / 2**20:.1f} MB, made in {time.perf_counter() - started:.0f} s")
        empty_registry()
    else:
        print(f"file: {path} ({path.stat().st_size / 2**20:.1f} MB), reused")

    from onegate.audit import acting_as

    with acting_as(manager, "bench-import"):
        first = run_importer(path, manager)
        alone = run_records_copy()
        again = run_importer(path, manager)
        changed = run_importer(with_new_phones(path), manager)
    n = first["rows"]
    print(
        f"first import: {first['new']} new, {first['changed']} changed, {first['unchanged']} unchanged, {first['invalid']} invalid"
    )
    print(f"  preview = validation (read, check, plan): {first['preview_s']:.2f} s = {n / first['preview_s']:,.0f} rows/s "
          f"(CPU {first['preview_cpu_s']:.2f} s = {n / first['preview_cpu_s']:,.0f} rows/s)")  # fmt: skip
    print(f"  apply: the preview's plan loaded and re-checked {first['recheck_s']:.2f} s (validation again, if it no longer held: "
          f"{first['apply_validation_s']:.2f} s); writing (COPY, UPDATE, audit rows) {first['writing_s']:.2f} s "
          f"= {n / first['writing_s']:,.0f} rows/s; commit (deferred foreign-key checks) and batch {first['commit_s']:.2f} s; "
          f"ANALYZE {first['statistics_s']:.2f} s; apply total {first['apply_s']:.2f} s")  # fmt: skip
    print(f"  writing including commit: {n / (first['writing_s'] + first['commit_s']):,.0f} rows/s")
    print(
        f"  overall (preview + apply): {first['preview_s'] + first['apply_s']:.2f} s = {n / (first['preview_s'] + first['apply_s']):,.0f} rows/s"
    )
    print(f"second import of the same file: {again['unchanged']} unchanged, {again['new']} new, {again['changed']} changed; "
          f"preview {again['preview_s']:.2f} s = {n / again['preview_s']:,.0f} rows/s, apply {again['apply_s']:.2f} s; "
          f"overall {n / (again['preview_s'] + again['apply_s']):,.0f} rows/s")  # fmt: skip

    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    print(f"third import, every phone number changed: {changed['changed']} changed, {changed['new']} new; "
          f"preview {changed['preview_s']:.2f} s, apply {changed['apply_s']:.2f} s (re-check {changed['recheck_s']:.2f} s, "
          f"writing {changed['writing_s']:.2f} s, commit {changed['commit_s']:.2f} s, ANALYZE {changed['statistics_s']:.2f} s); "
          f"overall {n / (changed['preview_s'] + changed['apply_s']):,.0f} rows/s")  # fmt: skip

    parts = ", ".join(f"{name.removeprefix('registry_')} {sec:.2f} s" for name, sec in alone["parts"].items())
    print(f"PostgreSQL alone writing the first import's {alone['records']:,} records again (COPY into the registry's tables "
          f"with their indexes, then the commit's foreign-key checks; no Python): {alone['seconds']:.2f} s = "
          f"{n / alone['seconds']:,.0f} rows/s of the file ({parts})")  # fmt: skip
    copied = run_copy(path)
    print(
        f"PostgreSQL COPY of the same file into text columns (no checks): {copied['seconds']:.2f} s = {copied['rows'] / copied['seconds']:,.0f} rows/s"
    )
    rates = {
        "OneGate import, validation (preview)": n / first["preview_s"],
        "OneGate import, writing incl. commit": n / (first["writing_s"] + first["commit_s"]),
        "OneGate import, whole (preview + apply)": n / (first["preview_s"] + first["apply_s"]),
        "OneGate import, same file again (nothing changes)": n / (again["preview_s"] + again["apply_s"]),
        "OneGate import, every person changed": n / (changed["preview_s"] + changed["apply_s"]),
        "PostgreSQL alone writing the same records (indexes, foreign keys, audit rows)": n / alone["seconds"],
        "PostgreSQL COPY of the same file (no checks)": copied["rows"] / copied["seconds"],
    }
    if args.baseline_rows:
        empty_registry()
        baseline = run_import_export(path, args.baseline_rows)
        print(f"django-import-export default (ModelResource.import_data), first {baseline['rows']} rows with a NIK: "
              f"{baseline['seconds']:.1f} s = {baseline['rows'] / baseline['seconds']:,.0f} rows/s ({baseline['totals']})")  # fmt: skip
        rates[f"django-import-export default, first {baseline['rows']:,} rows"] = baseline["rows"] / baseline["seconds"]
    if args.json:
        print("BENCH_JSON " + json.dumps({"rows": n, "rates": rates}))


if __name__ == "__main__":
    main()
