from django.db import migrations

# django-auditlog indexes its varchar columns object_pk and cid, and Django adds to each a second
# index for LIKE 'prefix%' (varchar_pattern_ops). Nothing here searches them by prefix (the audit
# page and the history find entries by equality), yet every audit entry (every change, every opening
# of a person's page, 220,000 for a 100,000-row import) is written into both: 2 of the table's 11
# indexes. Django's own schema changes drop them with IF EXISTS, so a later auditlog migration that
# alters these columns is unaffected.
INDEXES = {
    "auditlog_logentry_object_pk_6e3219c0_like": "object_pk",
    "auditlog_logentry_cid_9f467263_like": "cid",
}


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0017_add_actor_email")]

    operations = [
        migrations.RunSQL(
            [f"DROP INDEX IF EXISTS {name}" for name in INDEXES],
            [
                f"CREATE INDEX IF NOT EXISTS {name} ON auditlog_logentry ({column} varchar_pattern_ops)"
                for name, column in INDEXES.items()
            ],
        ),
    ]
