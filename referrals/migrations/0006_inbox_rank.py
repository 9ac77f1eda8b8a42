from django.db import migrations, models


class Migration(migrations.Migration):
    """The inbox's order as a stored column with indexes: the first page of an inbox without sorting
    all of an agency's (or the city's) referrals."""

    dependencies = [("referrals", "0005_inbox_index")]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="inbox_rank",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(status__in=("dikirim", "diterima", "diproses"), then=models.Value(0)),
                    models.When(status="draf", then=models.Value(1)),
                    default=models.Value(2),
                ),
                output_field=models.SmallIntegerField(),
                verbose_name="inbox rank",
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["agency", "inbox_rank", "due_date", "-created_at"], name="referral_inbox_order"),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["inbox_rank", "due_date", "-created_at"], name="referral_staff_order"),
        ),
    ]
