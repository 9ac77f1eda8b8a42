from django.core.management.base import BaseCommand, CommandError

from onegate import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by manage.py backup onto an EMPTY database (DATABASE_URL) and an empty "
        "PRIVATE_MEDIA_ROOT, after checking every checksum (README: Backup and restore)."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="the backup's folder (with manifest.json)")

    def handle(self, *args, folder, **options):
        try:
            rows = backup.restore(folder)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored {sum(rows.values())} rows in {len(rows)} tables and the private files from {folder}."
        )
