from django.db import migrations
from django.db.models import F, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

# Where each audited model's objects lay, as the models said when this migration was written
# (app, model): (region path, agency path, about: "self" or a foreign key).
PLACES = {
    ("registry", "household"): ("region", None, None),
    ("registry", "person"): ("region", None, "self"),
    ("registry", "disabilityprofile"): ("person__region", None, "person"),
    ("registry", "welfareprofile"): ("person__region", None, "person"),
    ("registry", "programreceipt"): ("person__region", None, "person"),
    ("registry", "personppks"): ("person__region", None, "person"),
    ("registry", "selfreport"): ("region", None, None),
    ("registry", "duplicatedismissal"): ("person_a__region", None, None),
    ("registry", "importbatch"): ("region", None, None),
    ("complaints", "complaint"): ("region", None, None),
    ("complaints", "attachment"): ("complaint__region", None, None),
    ("referrals", "referral"): ("region", "agency", None),
    ("referrals", "referraldocument"): ("referral__region", "referral__agency", None),
    ("reports", "reportrequest"): ("scope_region", "scope_agency", None),
}
COLUMNS = (
    "id, content_type_id, object_pk, object_id, object_repr, serialized_data, action, changes_text, changes, "
    "actor_id, cid, remote_addr, remote_port, timestamp, additional_data, actor_email"
)
# The person a profile's entry is about, when the profile is gone: from its recorded changes.
PERSON_IN_CHANGES = (
    "(SELECT v::bigint FROM (VALUES (changes->'person'->>1), (changes->'person'->>0)) AS p(v) "
    "WHERE v ~ '^[0-9]+$' LIMIT 1)"
)


def move_rows(apps, schema_editor):
    """The rows of auditlog's table into ours (which it then no longer holds: no second copy of
    personal data lying about)."""
    cursor = schema_editor.connection.cursor()
    if "auditlog_logentry" not in schema_editor.connection.introspection.table_names(cursor):
        return
    cursor.execute(f"INSERT INTO audit_logentry ({COLUMNS}) SELECT {COLUMNS} FROM auditlog_logentry ORDER BY id")
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('audit_logentry', 'id'), COALESCE(MAX(id), 0) + 1, false) "
        "FROM audit_logentry"
    )
    cursor.execute("DELETE FROM auditlog_logentry")
    # The empty table stays for auditlog's own migrations; its foreign keys would keep Django from
    # emptying the tables it references (flush, TRUNCATE), now that no model stands for it.
    cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'auditlog_logentry'::regclass AND contype = 'f'")
    for (name,) in cursor.fetchall():
        cursor.execute(f'ALTER TABLE auditlog_logentry DROP CONSTRAINT "{name}"')


def place_rows(apps, schema_editor):
    """Each entry's region, agency and subject, from its object where it still exists."""
    LogEntry = apps.get_model("onegate_audit", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for (app_label, model_name), (region, agency, about) in PLACES.items():
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        content_type = ContentType.objects.filter(app_label=app_label, model=model_name).first()
        if content_type is None:
            continue
        entries = LogEntry.objects.filter(content_type=content_type)
        objects = model._base_manager.filter(pk=OuterRef("object_id"))
        values = {"region_id": Subquery(objects.values(region)[:1])}
        if agency:
            values["agency_id"] = Subquery(objects.values(agency)[:1])
        if about == "self":
            values.update(about_type_id=content_type.pk, about_id=F("object_id"))
        elif about:
            person_type = ContentType.objects.get(app_label="registry", model="person")
            values.update(
                about_type_id=person_type.pk,
                about_id=Coalesce(Subquery(objects.values(f"{about}_id")[:1]), RawSQL(PERSON_IN_CHANGES, ())),
            )
        entries.update(**values)


# A household was named "KK <number> · <head>": its name in the trail loses the number; and no
# 16-digit number is left in any entry's name.
UNNAME_SQL = [
    "UPDATE audit_logentry SET object_repr = regexp_replace(object_repr, '^KK [^·]*· ', '') "
    "WHERE object_repr LIKE 'KK %·%'",
    "UPDATE audit_logentry SET object_repr = regexp_replace(object_repr, '[0-9]{16}', '****************', 'g') "
    "WHERE object_repr ~ '[0-9]{16}'",
]


class Migration(migrations.Migration):
    dependencies = [
        ("onegate_audit", "0002_entry_model"),
        ("auditlog", "0017_add_actor_email"),
        ("registry", "0011_fewer_person_indexes"),
        ("complaints", "0003_list_page_indexes"),
        ("referrals", "0006_inbox_rank"),
        ("reports", "0003_monthly_reports_emailed"),
    ]

    operations = [
        migrations.RunPython(move_rows, migrations.RunPython.noop),
        migrations.RunPython(place_rows, migrations.RunPython.noop),
        migrations.RunSQL(UNNAME_SQL, migrations.RunSQL.noop),
    ]
