"""The Celery app. Tasks stay thin: they call services; the truth of every job lives in PostgreSQL."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onegate.settings")

app = Celery("onegate")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
