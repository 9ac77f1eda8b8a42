"""Exports of the person list: the rows the user may see, as CSV or XLSX (Indonesian headers,
dd/mm/yyyy dates), so agencies get Excel files rather than proprietary formats. Written by
onegate.exports, so a name typed as a formula reaches the spreadsheet as text."""

from django.db.models import QuerySet

from onegate import exports

from .privacy import can_see_full_nik, nik_for

# hasattr: a missing profile (reverse one-to-one) raises an AttributeError subclass.
COLUMNS = [
    ("nik", lambda p: p.nik or ""),  # shown as the exporting user may see it (registry.privacy)
    ("no_kk", lambda p: p.household.kk_number if p.household_id and p.household.kk_number else ""),
    ("nama", lambda p: p.full_name),
    ("jenis_kelamin", lambda p: p.sex),
    ("tempat_lahir", lambda p: p.birth_place),
    ("tanggal_lahir", lambda p: p.birth_date.strftime("%d/%m/%Y") if p.birth_date else ""),
    ("hubungan_keluarga", lambda p: p.relationship),
    ("alamat", lambda p: p.household.address if p.household_id else p.domicile_address),
    ("rt", lambda p: p.household.rt if p.household_id else ""),
    ("rw", lambda p: p.household.rw if p.household_id else ""),
    ("kode_wilayah", lambda p: p.region_id),
    ("kelurahan", lambda p: p.region.name),
    ("status_verifikasi", lambda p: p.status),
    ("jenis_disabilitas", lambda p: ";".join(p.disability.types) if hasattr(p, "disability") else ""),
    ("tingkat_disabilitas", lambda p: p.disability.severity if hasattr(p, "disability") else ""),
    ("status_dtks", lambda p: p.welfare.dtks_status if hasattr(p, "welfare") else ""),
    ("desil", lambda p: p.welfare.decile or "" if hasattr(p, "welfare") else ""),
]
HEADERS = [name for name, _ in COLUMNS]
XLSX_MAX_ROWS = 200_000


def export_rows(people: QuerySet, user, limit: int | None = None):
    """The rows of the export. Only roles that see whole NIKs may export (RegistryConfig), and the
    NIK column goes through the same rule anyway, so a role added to exports later gets masked NIKs."""
    people = people.select_related("household", "region", "disability", "welfare").order_by(
        "region_id", "full_name", "pk"
    )
    full_nik = can_see_full_nik(user)
    for person in people[:limit].iterator(chunk_size=2000):
        row = [value(person) for _, value in COLUMNS]
        if not full_nik:
            row[0] = nik_for(user, row[0])
        yield row


def as_csv_lines(people: QuerySet, user):
    return exports.csv_lines(HEADERS, export_rows(people, user))


def as_xlsx(people: QuerySet, user) -> bytes:
    return exports.xlsx_single("penduduk", HEADERS, export_rows(people, user, limit=XLSX_MAX_ROWS))
