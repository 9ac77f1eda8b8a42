"""Backup and restore (manage.py backup / restore): a round trip of the test database and private
files into a second, empty database on the same server and a new folder gives the same rows and
the same files; a restore refuses a database or folder that is not empty, and a damaged backup."""

import json
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from complaints.models import Complaint
from onegate import backup
from tests.complaints.factories import make_complaint
from tests.conftest import WATES

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def private_files(settings, tmp_path):
    """Private files as the portal keeps them: an attachment, a referral document, a report."""
    root = settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    files = {
        "complaints/2026/12/photo.png": b"\x89PNG attachment",
        "referrals/2026/12/surat.pdf": b"%PDF-1.7 referral document",
        "reports/2026/12/rekap.pdf": b"%PDF-1.7 report",
    }
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return files


@pytest.fixture
def empty_database():
    """A second database on the test server, dropped afterwards."""
    name = f"onegate_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield backup.Database.from_settings(name=name)
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_onto_an_empty_database_and_folder_with_the_same_rows_and_files(
    users, private_files, empty_database, tmp_path
):
    make_complaint(users["loket"], region_id=WATES)
    folder = tmp_path / "backup"
    call_command("backup", str(folder))

    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["database"]["rows"]["complaints_complaint"] == Complaint.objects.count() == 1
    assert manifest["database"]["rows"]["accounts_user"] == len(users)
    assert manifest["git_commit"] and manifest["app_version"]
    assert set(manifest["files"]) == {"database.dump"} | {f"files/{name}" for name in private_files}
    assert {oct(path.stat().st_mode & 0o777) for path in folder.rglob("*")} == {"0o700", "0o600"}

    restored_files = tmp_path / "restored"
    rows = backup.restore(folder, database=empty_database, files_root=restored_files)
    assert rows == manifest["database"]["rows"] and rows["complaints_complaint"] == 1
    assert {
        str(path.relative_to(restored_files)): path.read_bytes() for path in restored_files.rglob("*") if path.is_file()
    } == private_files
    assert all(oct(path.stat().st_mode & 0o777) == "0o600" for path in restored_files.rglob("*") if path.is_file())
    with empty_database.connect() as restored:
        assert restored.execute("SELECT ticket_number FROM complaints_complaint").fetchone()[0] == (
            Complaint.objects.get().ticket_number
        )


def test_a_restore_refuses_a_database_or_folder_that_is_not_empty(users, private_files, empty_database, tmp_path):
    folder = tmp_path / "backup"
    backup.backup(folder)
    with pytest.raises(CommandError, match=r"already has \d+ tables: a backup is restored only onto an empty database"):
        call_command("restore", str(folder))  # the portal's own database
    with pytest.raises(backup.BackupError, match="is not empty: a backup is restored only into an empty folder"):
        backup.restore(folder, database=empty_database, files_root=tmp_path / "private")
    with empty_database.connect() as untouched:
        assert untouched.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 0


def test_a_damaged_backup_is_refused_before_anything_is_restored(users, private_files, empty_database, tmp_path):
    folder = tmp_path / "backup"
    backup.backup(folder)
    (folder / "files" / "reports" / "2026" / "12" / "rekap.pdf").write_bytes(b"%PDF-1.7 changed")
    (folder / "files" / "extra.txt").write_text("added")
    with pytest.raises(backup.BackupError) as refused:
        backup.restore(folder, database=empty_database, files_root=tmp_path / "restored")
    assert "checksum differs: files/reports/2026/12/rekap.pdf" in str(refused.value)
    assert "not in the manifest: files/extra.txt" in str(refused.value)
    assert not (tmp_path / "restored").exists()


def test_a_backup_goes_only_into_a_new_or_empty_folder(db, tmp_path):
    (tmp_path / "old.txt").write_text("an older backup")
    with pytest.raises(CommandError, match="is not empty: give a new folder for each backup"):
        call_command("backup", str(tmp_path))
