"""``manage.py count_unserved``: count the eligible-but-unserved of every listed service again (what
celery beat does every hour; referrals.unserved.refresh_counts)."""

import time

from django.core.management.base import BaseCommand

from referrals import unserved


class Command(BaseCommand):
    help = "Count the eligible, receiving, referred and unserved people of each service with criteria, per kelurahan."

    def handle(self, *args, **options):
        started = time.monotonic()
        services = unserved.refresh_counts()
        self.stdout.write(
            f"eligible-but-unserved counted for {services} services in {time.monotonic() - started:.1f} s"
        )
