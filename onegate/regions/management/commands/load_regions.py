from django.core.management.base import BaseCommand, CommandError

from onegate.regions.services import DEMO_REGIONS_CSV, RegionFileError, load_regions_file


class Command(BaseCommand):
    help = "Load or update Kemendagri regions from a code,name,level,parent_code CSV (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "csv", nargs="?", default=str(DEMO_REGIONS_CSV), help="CSV file; default: the built-in demo regions"
        )

    def handle(self, *args, csv, **options):
        try:
            report = load_regions_file(csv)
        except FileNotFoundError as exc:
            raise CommandError(f"no such file: {csv}") from exc
        except RegionFileError as exc:
            raise CommandError(f"nothing loaded, the file has errors: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Regions from {csv}: {report.summary()}"))
