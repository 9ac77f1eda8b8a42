from django.db import migrations

from complaints.reference import load_categories


def load(apps, schema_editor):
    # Adds the data correction category (3 working days) to existing databases; keeps the rest.
    load_categories(apps.get_model("complaints", "Category"))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0003_list_page_indexes")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
