"""Import batches keep their messages untranslated (msgid and parameters) and translate them when
shown; problems carry the row's NIK and name; notices are new. Messages stored before were
translated already: they are kept as messages without a translation, shown as they are."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    ImportBatch = apps.get_model("registry", "ImportBatch")
    for batch in ImportBatch.objects.all().iterator():
        batch.failure = [batch.message, {}] if batch.message else []
        batch.errors = [[line, column, [text, {}], "", ""] for line, column, text in batch.errors]
        batch.warnings = [[line, column, [text, {}], "", ""] for line, column, text in batch.warnings]
        batch.save(update_fields=["failure", "errors", "warnings"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0012_consent_decisions")]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="failure",
            field=models.JSONField(blank=True, default=list, verbose_name="why it failed"),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="notice_count",
            field=models.PositiveIntegerField(default=0, verbose_name="notices"),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="notices",
            field=models.JSONField(blank=True, default=list, verbose_name="notices"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="importbatch", name="message"),
    ]
