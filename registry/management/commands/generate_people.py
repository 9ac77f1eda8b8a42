"""``manage.py generate_people --people 1000000``: synthetic households and people for demos and
load tests (see registry/synthetic.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from registry.devdata.synthetic import generate

PEOPLE_PER_HOUSEHOLD = 3.6
REPORT_EVERY = 100_000  # people


class Command(BaseCommand):
    help = (
        "Generate synthetic households and people in Kota Mojokerto. The same seed gives the same people; "
        "running again adds more (with new NIK/KK numbers), so use another seed for other people."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--people", type=int, required=True, help="about how many people (households = people / 3.6)"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--duplicates", type=int, default=0, help="people registered a second time under a misspelt name"
        )
        parser.add_argument("--batch-size", type=int, default=5000, help="people per committed batch (default 5000)")
        parser.add_argument(
            "--workers", type=int, default=None, help="database connections writing at once (default 2)"
        )
        parser.add_argument(
            "--kelurahan",
            action="append",
            metavar="CODE",
            help="only this kelurahan (e.g. 35.76.02.1010); may be repeated",
        )
        parser.add_argument("--all-verified", action="store_true", help="no draft, submitted or rejected records")

    def handle(self, *args, people, seed, duplicates, batch_size, workers, kelurahan, all_verified, **options):
        if people < 1:
            raise CommandError("--people must be at least 1")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        households = max(1, round(people / PEOPLE_PER_HOUSEHOLD))
        reported = [0]

        def progress(counts):
            if counts["people"] - reported[0] >= REPORT_EVERY or counts["households"] == households:
                reported[0] = counts["people"]
                rate = counts["people"] / counts["seconds"] if counts["seconds"] else 0
                self.stdout.write(
                    f"  {counts['households']:,} households, {counts['people']:,} people ({rate:,.0f} people/s)"
                )

        started = time.monotonic()
        try:
            counts = generate(
                households=households,
                seed=seed,
                duplicates=duplicates,
                kelurahan_codes=kelurahan,
                batch_size=batch_size,
                status_mix=not all_verified,
                workers=workers,
                progress=progress,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        seconds = max(time.monotonic() - started, 1e-6)
        rows = sum(counts.values()) - counts["duplicates"]  # the duplicates are among the people already
        self.stdout.write(self.style.SUCCESS(", ".join(f"{key}: {value:,}" for key, value in counts.items())))
        speed = f"{counts['people'] / seconds:,.0f} people/s, {rows / seconds:,.0f} rows/s in all tables"
        self.stdout.write(f"{seconds:.1f} s: {speed}")
