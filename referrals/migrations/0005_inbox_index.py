# An agency's inbox sorted from the index alone (issue #7).

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("referrals", "0004_overdue_escalation"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="referral",
            index=models.Index(
                fields=["agency", "status", "due_date"], include=("created_at",), name="referral_agency_inbox"
            ),
        ),
        RemoveIndexConcurrently(
            model_name="referral", name="referral_agency_status_due"
        ),  # the same, without created_at
    ]
