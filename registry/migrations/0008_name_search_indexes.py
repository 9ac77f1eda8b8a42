# The name search (registry.search): names in order by their upper-case form, and their words (issue #7).

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.functions.comparison
import django.db.models.functions.text
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False  # indexes built without locking the registry against writes

    dependencies = [
        ("registry", "0007_list_page_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="person",
            index=models.Index(
                django.db.models.functions.comparison.Collate(django.db.models.functions.text.Upper("full_name"), "C"),
                models.F("id"),
                condition=models.Q(("merged_into__isnull", True)),
                include=("full_name", "region"),
                name="person_name_key",
            ),
        ),
        AddIndexConcurrently(
            model_name="person",
            index=django.contrib.postgres.indexes.GinIndex(
                models.Func(
                    django.db.models.functions.text.Upper("full_name"),
                    models.Value("[^[:alpha:]]+"),
                    function="regexp_split_to_array",
                    output_field=django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), size=None),
                ),
                condition=models.Q(("merged_into__isnull", True)),
                name="person_name_words",
            ),
        ),
        # Statistics of the words (which are common), so that the search walks the names in order for
        # a common word and takes a rare one from the index.
        migrations.RunSQL("ANALYZE registry_person", migrations.RunSQL.noop),
    ]
