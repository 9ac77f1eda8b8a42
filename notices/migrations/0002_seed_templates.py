"""The first words of each message, in Indonesian; administrators edit them in the admin."""

from django.db import migrations

TEMPLATES = {
    "diterima": (
        "Pengaduan Anda sudah kami terima dengan nomor tiket {{ ticket }}. "
        "Cek perkembangannya di {{ url }} dengan nomor HP ini. Balas STOP untuk berhenti menerima pesan."
    ),
    "dirujuk": (
        "Pengaduan {{ ticket }} sudah dirujuk ke layanan yang sesuai (status: {{ status }}). "
        "Cek perkembangannya di {{ url }}"
    ),
    "selesai": (
        "Pengaduan {{ ticket }} sudah selesai ditangani.{% if note %} Keterangan: {{ note }}{% endif %} Info: {{ url }}"
    ),
    "ditutup": ("Pengaduan {{ ticket }} sudah ditutup.{% if note %} Alasan: {{ note }}{% endif %} Info: {{ url }}"),
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notices", "MessageTemplate")
    for event, body in TEMPLATES.items():
        MessageTemplate.objects.get_or_create(event=event, defaults={"body": body})


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
