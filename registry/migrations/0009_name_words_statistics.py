# The name search corrects letters towards the registry's common words: PostgreSQL's statistics of
# person_name_words keep up to 10,000 of them (issue #7).

from django.db import migrations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("registry", "0008_name_search_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER INDEX person_name_words ALTER COLUMN 1 SET STATISTICS 1000",
            "ALTER INDEX person_name_words ALTER COLUMN 1 SET STATISTICS -1",
        ),
        migrations.RunSQL("ANALYZE registry_person", migrations.RunSQL.noop),
    ]
