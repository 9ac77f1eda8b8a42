"""Backing up and restoring the portal: the database and the private files, checked by a manifest.

A backup folder holds ``database.dump`` (pg_dump's custom archive), ``files/`` (a copy of
PRIVATE_MEDIA_ROOT: complaint attachments, referral documents, rendered reports) and
``manifest.json``: the sha256 of every file, the rows of every table, the portal's version and git
commit. The rows are counted in the very snapshot pg_dump writes (an exported snapshot), so they
match the dump exactly. The files are copied after the snapshot: a file added meanwhile is copied
too (unused), and a report file expired meanwhile is missing (its download answers "not found").

A restore checks every checksum first, then refuses a database that has any table or a files
folder that is not empty: it never mixes a backup into live data. The SECRET_KEY is not in the
backup (see README: keep it apart).
"""

import datetime
import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection, transaction

from onegate.private_files import private_folder

FORMAT = 1
DUMP = "database.dump"
FILES = "files"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """What went wrong, said plainly for the person running the command."""


@dataclass(frozen=True)
class Database:
    """Where a database is: Django's DATABASES entry, or another database on the same server."""

    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls, entry: dict | None = None, name: str | None = None) -> "Database":
        entry = entry or settings.DATABASES["default"]
        return cls(
            name=name or entry["NAME"],
            host=entry.get("HOST") or "",
            port=str(entry.get("PORT") or ""),
            user=entry.get("USER") or "",
            password=entry.get("PASSWORD") or "",
        )

    def client_arguments(self) -> list[str]:
        options = {"--host": self.host, "--port": self.port, "--username": self.user}
        return [f"{flag}={value}" for flag, value in options.items() if value] + [f"--dbname={self.name}"]

    def client_environment(self) -> dict:
        return {**os.environ, "PGPASSWORD": self.password} if self.password else dict(os.environ)

    def connect(self):
        return psycopg.connect(
            dbname=self.name, host=self.host or None, port=self.port or None, user=self.user or None,
            password=self.password or None, autocommit=True,
        )  # fmt: skip


def postgres_program(name: str) -> str:
    """pg_dump / pg_restore: from PATH, else Debian's newest PostgreSQL."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if not candidates:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return str(candidates[-1])


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _app_version() -> str:
    import tomllib

    with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["project"]["version"]


def _count_rows(cursor) -> dict[str, int]:
    counts = {}
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


# --- Backup -------------------------------------------------------------------------------------
def backup(folder: Path) -> dict:
    """Write a backup of the database and the private files into ``folder`` (new or empty)."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: give a new folder for each backup")
    private_folder(folder)
    database = Database.from_settings()
    with transaction.atomic(), connection.cursor() as cursor:
        # One snapshot for the dump and the counts (pg_dump reads it while this transaction is open).
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        _run(
            [postgres_program("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={folder / DUMP}"]
            + database.client_arguments(),
            database,
        )
        rows = _count_rows(cursor)
    source = Path(settings.PRIVATE_MEDIA_ROOT)
    if source.is_dir():
        shutil.copytree(source, folder / FILES, symlinks=False)
    else:
        private_folder(folder / FILES)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "app_version": _app_version(),
        "git_commit": _git_commit(),
        "database": {"name": database.name, "server_version": server_version, "rows": rows},
        "files": {str(path.relative_to(folder)): sha256_of(path) for path in _files_in(folder)},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    _make_private(folder)  # personal data: the portal's user only, whatever the copied folders allowed
    return manifest


def _files_in(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file() and path.name != MANIFEST)


def _run(command: list[str], database: Database) -> None:
    finished = subprocess.run(command, env=database.client_environment(), capture_output=True, text=True)
    if finished.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: {finished.stderr.strip()}")


# --- Restore ------------------------------------------------------------------------------------
def verify(folder: Path) -> dict:
    """The backup's manifest, once every file it lists has its checksum and no file was added."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{folder} has no {MANIFEST}: not a backup made by manage.py backup") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} is a backup of format {manifest.get('format')}, this portal reads {FORMAT}")
    present = {str(path.relative_to(folder)) for path in _files_in(folder)}
    problems = [f"missing: {name}" for name in sorted(set(manifest["files"]) - present)]
    problems += [f"not in the manifest: {name}" for name in sorted(present - set(manifest["files"]))]
    problems += [
        f"checksum differs: {name}"
        for name, digest in sorted(manifest["files"].items())
        if name in present and sha256_of(folder / name) != digest
    ]
    if problems:
        raise BackupError("the backup is damaged, nothing was restored:\n  " + "\n  ".join(problems))
    return manifest


def restore(folder: Path, *, database: Database | None = None, files_root: Path | None = None) -> dict:
    """Put a verified backup onto an empty database and an empty files folder; returns the rows
    counted in the restored database (the same as the manifest's, or BackupError)."""
    folder = Path(folder)
    database = database or Database.from_settings()
    files_root = Path(files_root or settings.PRIVATE_MEDIA_ROOT)
    manifest = verify(folder)
    _ensure_empty(database, files_root)
    _run(
        [postgres_program("pg_restore"), "--no-owner", "--exit-on-error", str(folder / DUMP)]
        + database.client_arguments(),
        database,
    )
    if files_root.exists():
        files_root.rmdir()  # empty (checked): copied again with the backup's files
    shutil.copytree(folder / FILES, files_root)
    _make_private(files_root)
    rows = _restored_rows(database)
    if rows != manifest["database"]["rows"]:
        differing = sorted(
            t
            for t in set(rows) | set(manifest["database"]["rows"])
            if rows.get(t) != manifest["database"]["rows"].get(t)
        )
        raise BackupError(f"the restored database's rows differ from the backup's in: {', '.join(differing)}")
    return rows


def _ensure_empty(database: Database, files_root: Path) -> None:
    with database.connect() as target:
        tables = target.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        ).fetchone()[0]
    if tables:
        raise BackupError(
            f"the database {database.name} already has {tables} tables: a backup is restored only onto an empty "
            "database (createdb a new one and point DATABASE_URL at it)"
        )
    if files_root.exists() and any(files_root.iterdir()):
        raise BackupError(
            f"the files folder {files_root} is not empty: a backup is restored only into an empty folder "
            "(point PRIVATE_MEDIA_ROOT at a new one)"
        )


def _make_private(root: Path) -> None:
    os.chmod(root, settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS)
    for path in root.rglob("*"):
        os.chmod(
            path, settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS if path.is_dir() else settings.FILE_UPLOAD_PERMISSIONS
        )


def _restored_rows(database: Database) -> dict[str, int]:
    with database.connect() as target:
        tables = [row[0] for row in target.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {
            table: target.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # names from the catalogue
            for table in sorted(tables)
        }
