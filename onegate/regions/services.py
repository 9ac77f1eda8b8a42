"""Loading the official region list (``code,name,level,parent_code`` CSV), idempotently."""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .models import LEVEL_DEPTH, Region, RegionLevel

DEMO_REGIONS_CSV = Path(__file__).resolve().parent / "data" / "wilayah-demo.csv"
REQUIRED_COLUMNS = ("code", "name", "level", "parent_code")


class RegionFileError(ValueError):
    """The file cannot be loaded; ``errors`` lists each problem with its line number."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors[:20]) + (f" (+{len(errors) - 20} more)" if len(errors) > 20 else ""))


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    not_in_file: int = 0  # kept: regions are referenced by people and users, never deleted here

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, {self.unchanged} unchanged, "
            f"{self.not_in_file} in the database but not in the file (kept)"
        )


def parse_region_rows(text: str) -> list[dict]:
    """Read and check every row; raise RegionFileError listing all problems, or return the rows."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise RegionFileError([f"missing column(s): {', '.join(missing)}"])
    rows, errors, seen = [], [], set()
    levels = set(RegionLevel.values)
    for line, raw in enumerate(reader, start=2):
        row = {k: (raw.get(k) or "").strip() for k in REQUIRED_COLUMNS}
        code, level = row["code"], row["level"]
        problem = None
        if level not in levels:
            problem = f"unknown level {level!r}"
        elif len(code.split(".")) != LEVEL_DEPTH[level] or not code.replace(".", "").isdigit():
            problem = f"code {code!r} does not fit level {level}"
        elif not row["name"]:
            problem = "empty name"
        elif code in seen:
            problem = f"code {code} appears twice"
        elif LEVEL_DEPTH[level] > 1 and row["parent_code"] != code.rsplit(".", 1)[0]:
            problem = f"parent_code {row['parent_code']!r} is not the code's parent"
        if problem:
            errors.append(f"line {line}: {problem}")
            continue
        seen.add(code)
        rows.append(row)
    outside = {r["parent_code"] for r in rows if r["parent_code"] and r["parent_code"] not in seen}
    loaded = set(Region.objects.filter(code__in=outside).values_list("code", flat=True))
    for row in rows:
        if row["parent_code"] in outside - loaded:
            errors.append(f"code {row['code']}: parent {row['parent_code']} is neither in the file nor loaded")
    if errors:
        raise RegionFileError(errors)
    return rows


@transaction.atomic
def load_regions(text: str) -> LoadReport:
    """Create new regions and update renamed ones; all or nothing."""
    rows = parse_region_rows(text)
    existing = {r.code: r for r in Region.objects.all().only("code", "name", "level", "parent_id")}
    report = LoadReport()
    to_create, to_update = [], []
    for row in rows:
        parent_id = row["parent_code"] or None
        current = existing.get(row["code"])
        if current is None:
            to_create.append(Region(code=row["code"], name=row["name"], level=row["level"], parent_id=parent_id))
        elif (current.name, current.level, current.parent_id) != (row["name"], row["level"], parent_id):
            current.name, current.level, current.parent_id = row["name"], row["level"], parent_id
            to_update.append(current)
        else:
            report.unchanged += 1
    # Parents first; the foreign key is checked at commit anyway (deferred), this keeps it readable.
    to_create.sort(key=lambda r: (r.code.count("."), r.code))
    Region.objects.bulk_create(to_create, batch_size=5000)
    Region.objects.bulk_update(to_update, ["name", "level", "parent"], batch_size=5000)
    report.created = [r.code for r in to_create]
    report.updated = [r.code for r in to_update]
    report.not_in_file = len(existing.keys() - {r["code"] for r in rows})
    return report


def load_regions_file(path: Path | str) -> LoadReport:
    return load_regions(Path(path).read_text(encoding="utf-8-sig"))


def load_demo_regions() -> LoadReport:
    return load_regions_file(DEMO_REGIONS_CSV)
