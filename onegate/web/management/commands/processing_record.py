from django.core.management.base import BaseCommand

from onegate import processing


class Command(BaseCommand):
    help = "Print the record of processing activities (UU 27/2022 Pasal 31) as Markdown: docs/privacy.md."

    def handle(self, *args, **options):
        self.stdout.write(processing.as_markdown(), ending="")
