"""``manage.py generate_casework --per-thousand 30``: synthetic complaints and referrals for the
people already in the registry, for demos and load tests (see complaints/devdata/synthetic.py and
referrals/devdata/synthetic.py). Here rather than in complaints because referrals depend on complaints."""

import time

from django.core.management.base import BaseCommand, CommandError

from assessments.devdata import synthetic as assessments_synthetic
from complaints.devdata import synthetic as complaints_synthetic
from referrals.devdata import synthetic as referrals_synthetic

REPORT_EVERY = 20_000  # rows


class Command(BaseCommand):
    help = (
        "Generate synthetic complaints (about N per 1,000 registered people, over the last 18 months) and referrals "
        "(a third of the referred complaints, plus some straight from people), needs assessments of about 5% of the "
        "households and eligibility criteria on a few services. Running again adds more."
    )

    def add_arguments(self, parser):
        parser.add_argument("--per-thousand", type=float, default=30, help="complaints per 1,000 people (default 30)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="rows of the main table per committed batch (default 5000)"
        )

    def handle(self, *args, per_thousand, seed, batch_size, **options):
        if per_thousand < 0 or batch_size < 1:
            raise CommandError("--per-thousand cannot be negative and --batch-size must be at least 1")
        if not referrals_synthetic.active_services():
            raise CommandError(
                "no active service in the referral directory: run manage.py seed_demo (or add services) first"
            )
        people = complaints_synthetic.people_count()
        self.stdout.write(
            f"{people:,} people in the registry: about {round(people * per_thousand / 1000):,} complaints"
        )
        reported = [0]

        def progress(what):
            def report(counts):
                rows = sum(v for k, v in counts.items() if k not in ("done", "total", "seconds"))
                if rows - reported[0] >= REPORT_EVERY or counts["done"] >= counts["total"]:
                    reported[0] = rows
                    rate = rows / counts["seconds"] if counts["seconds"] else 0
                    self.stdout.write(f"  {what}: {counts['done']:,} / {counts['total']:,} ({rate:,.0f} rows/s)")

            return report

        started = time.monotonic()
        try:
            counts, referred = complaints_synthetic.generate(
                per_thousand=per_thousand, seed=seed, batch_size=batch_size, progress=progress("complaints")
            )
            reported[0] = 0
            counts.update(
                referrals_synthetic.generate(
                    referred,
                    seed=seed,
                    batch_size=batch_size,
                    progress=progress("referrals (from complaints and people)"),
                )
            )
            # Home visits and criteria, for the eligible-but-unserved lists at scale.
            counts.update(assessments_synthetic.generate(seed=seed))
            counts["criteria"] = referrals_synthetic.add_criteria()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        seconds = max(time.monotonic() - started, 1e-6)
        rows = sum(counts.values())
        self.stdout.write(self.style.SUCCESS(", ".join(f"{key}: {value:,}" for key, value in counts.items())))
        self.stdout.write(
            f"{seconds:.1f} s: {rows / seconds:,.0f} rows/s, {counts['complaints'] / seconds:,.0f} complaints/s"
        )
