"""A Celery worker whose PDF rendering never finishes (it says it is half done, then waits), so a
test can kill it in the middle of a render: ``python -m tests.reports.blocking_worker QUEUE [NAME]``."""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onegate.settings")

import django

django.setup()

# Imported after django.setup(): they read the models.
from onegate.celery import app  # noqa: E402
from reports import rendering  # noqa: E402


def never_finishing_render(document, target, progress):
    progress(0.5)
    time.sleep(3600)


rendering.render = never_finishing_render

if __name__ == "__main__":
    name = ["-n", sys.argv[2]] if len(sys.argv) > 2 else []
    app.worker_main(
        [
            "worker",
            "-Q",
            sys.argv[1],
            *name,
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ]
    )
