# The person list's filtered pages and capped counts read from indexes alone (issue #7).

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False  # indexes built without locking the registry against writes

    dependencies = [
        ("registry", "0006_person_list_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="person",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", True)),
                fields=["full_name", "id"],
                include=("region",),
                name="person_by_name_region",
            ),
        ),
        RemoveIndexConcurrently(model_name="person", name="person_by_name"),  # the same, without the kelurahan
        AddIndexConcurrently(
            model_name="person",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", True)),
                fields=["region", "status", "full_name", "id"],
                name="person_by_region_status",
            ),
        ),
    ]
