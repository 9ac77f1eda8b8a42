from django.db import migrations

from complaints.reference import load_categories


def load(apps, schema_editor):
    load_categories(apps.get_model("complaints", "Category"))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
