"""Reference data the registry needs in every database: loaded by a migration, and again by the
demo step (a test database flushed between browser tests loses what migrations loaded)."""

# Permensos 8/2012: the 26 categories of Pemerlu Pelayanan Kesejahteraan Sosial.
PPKS_CATEGORIES = [
    "Anak Balita Terlantar",
    "Anak Terlantar",
    "Anak yang Berhadapan dengan Hukum",
    "Anak Jalanan",
    "Anak dengan Kedisabilitasan (ADK)",
    "Anak yang Menjadi Korban Tindak Kekerasan atau Diperlakukan Salah",
    "Anak yang Memerlukan Perlindungan Khusus",
    "Lanjut Usia Terlantar",
    "Penyandang Disabilitas",
    "Tuna Susila",
    "Gelandangan",
    "Pengemis",
    "Pemulung",
    "Kelompok Minoritas",
    "Bekas Warga Binaan Lembaga Pemasyarakatan (BWBLP)",
    "Orang dengan HIV/AIDS (ODHA)",
    "Korban Penyalahgunaan NAPZA",
    "Korban Trafficking",
    "Korban Tindak Kekerasan",
    "Pekerja Migran Bermasalah Sosial (PMBS)",
    "Korban Bencana Alam",
    "Korban Bencana Sosial",
    "Perempuan Rawan Sosial Ekonomi",
    "Fakir Miskin",
    "Keluarga Bermasalah Sosial Psikologis",
    "Komunitas Adat Terpencil",
]


def ensure_ppks_categories() -> int:
    """Create or rename the 26 categories; returns how many were missing."""
    from .models import PpksCategory

    missing = 0
    for number, name in enumerate(PPKS_CATEGORIES, start=1):
        _, created = PpksCategory.objects.update_or_create(code=number, defaults={"name": name})
        missing += created
    return missing
