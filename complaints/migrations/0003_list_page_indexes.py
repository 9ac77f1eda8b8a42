# The complaint list by channel and by late SLA, counted without reading the whole table (issue #7).

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0002_categories"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="complaint",
            index=models.Index(
                fields=["channel", "received_at"], include=("region",), name="complaint_channel_received"
            ),
        ),
        AddIndexConcurrently(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(
                    ("finished_at__date__gt", models.F("due_date")), ("status__in", ["selesai", "ditutup"])
                ),
                fields=["received_at"],
                include=("region",),
                name="complaint_finished_late",
            ),
        ),
    ]
