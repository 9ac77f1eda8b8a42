"""The complaint category tree the portal starts with (administrators change it afterwards), with
the SLA of each top category in working days. Loaded by a migration and again by the demo step."""

CORRECTION_CATEGORY = "Koreksi data"

# (name, SLA working days, sub-categories)
CATEGORY_TREE = [
    ("Belum terdaftar bantuan sosial/DTKS", 10, ["Usulan masuk DTKS/DTSEN", "Perbaikan data DTKS/DTSEN"]),
    ("Bantuan tidak diterima", 7, ["PKH", "BPNT/Sembako", "BLT-DD", "Bantuan lainnya"]),
    ("Kesehatan/BPJS PBI", 3, ["Pendaftaran PBI-JK", "Kartu BPJS tidak aktif", "Biaya rumah sakit"]),
    ("Pendidikan", 7, ["Beasiswa/PIP", "Anak putus sekolah"]),
    ("Administrasi kependudukan (KTP/KK/akta)", 5, ["KTP-el", "Kartu Keluarga", "Akta kelahiran"]),
    ("Disabilitas dan alat bantu", 10, ["Alat bantu disabilitas", "Kartu penyandang disabilitas"]),
    ("Orang terlantar/ODGJ/pasung", 1, ["ODGJ", "Pemasungan", "Gelandangan/pengemis", "Lanjut usia terlantar"]),
    ("Kekerasan terhadap perempuan dan anak", 1, ["Kekerasan dalam rumah tangga", "Kekerasan terhadap anak"]),
    ("Rumah tidak layak huni", 14, []),
    ("Pekerjaan dan usaha", 10, []),
    # A resident asks to correct their personal data (UU 27/2022 Pasal 6 and 30: within 3×24 hours).
    (CORRECTION_CATEGORY, 3, []),
    ("Lainnya", 7, []),
]


def load_categories(category_model) -> int:
    """Create the missing categories (keeps an administrator's changes); returns how many were added.
    Takes the model class so the migration can pass its historical model."""
    added = 0
    for order, (name, sla, children) in enumerate(CATEGORY_TREE, start=1):
        top, created = category_model.objects.get_or_create(
            parent=None, name=name, defaults={"sla_working_days": sla, "order": order}
        )
        added += created
        for child_order, child in enumerate(children, start=1):
            added += category_model.objects.get_or_create(parent=top, name=child, defaults={"order": child_order})[1]
    return added
