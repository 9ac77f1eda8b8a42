from django.core.management.base import BaseCommand

from onegate import demo
from onegate.audit import acting_as


class Command(BaseCommand):
    help = "Load the demo regions, agencies, accounts and each capability's demo data (idempotent)."

    def handle(self, *args, **options):
        with acting_as(None):
            for step in demo.steps():
                step.run(lambda line, name=step.name: self.stdout.write(f"[{name}] {line}"))
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
