from django.core.management.base import BaseCommand, CommandError

from onegate import backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, one snapshot) and the private files into a new folder, with a "
        "manifest of checksums and row counts (README: Backup and restore)."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a new or empty folder, e.g. /srv/backups/onegate/2026-12-07")

    def handle(self, *args, folder, **options):
        try:
            manifest = backup.backup(folder)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["database"]["rows"].values())
        self.stdout.write(
            f"Backup written to {folder}: {rows} rows in {len(manifest['database']['rows'])} tables, "
            f"{len(manifest['files']) - 1} private files (commit {manifest['git_commit'][:12] or 'unknown'})."
        )
