from django.db import migrations

from registry.reference import PPKS_CATEGORIES


def load(apps, schema_editor):
    PpksCategory = apps.get_model("registry", "PpksCategory")
    for number, name in enumerate(PPKS_CATEGORIES, start=1):
        PpksCategory.objects.update_or_create(code=number, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
