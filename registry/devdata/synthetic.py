"""Synthetic households and people for Kota Mojokerto, for demos and load tests.

``generate(households=...)`` writes realistic (but invented) families: Javanese, Muslim and
Christian names, KK and NIK numbers that agree with the person's kecamatan, birth date and sex, and
disability, welfare, programme and PPKS profiles in plausible proportions. The same seed gives the
same families; the NIK/KK serials are taken above those already in the database, so it can be run
again on a database that already holds generated (or real) records. Run again with the same seed,
it adds the same invented people once more under new numbers: use another seed for other people.

Rows are written with binary PostgreSQL COPY, in batches of about ``batch_size`` people, each
batch committed on its own; a batch gets its household and person ids from the sequences just
before it is written, so that people and profiles can point at them without reading anything back.
Outside a transaction two connections write at once (a single PostgreSQL backend, with the
people table's indexes and the foreign-key checks, is slower than the generator).
Like ``bulk_create``, COPY sends no model signals: django-auditlog records nothing, on purpose,
since generated data is not a user's change and a million log entries would only be noise.
"""

import bisect
import datetime
import itertools
import queue
import random
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from onegate.copying import DictCopyTable, allocate_ids
from onegate.regions.models import VILLAGE_LEVELS, Region

from ..models import (
    DisabilityProfile,
    Household,
    Person,
    PersonPpks,
    PpksCategory,
    ProgramReceipt,
    WelfareProfile,
)

CITY_CODE = "35.76"  # Kota Mojokerto
# "Today" for the generated data. Fixed, so that a seed always gives the same people.
REFERENCE_DATE = datetime.date(2026, 7, 1)
PROGRAM_YEARS = (2024, 2025, 2026)
# Where the city lies, for household coordinates (each kelurahan gets a point near it).
CITY_CENTRE = (-7.4705, 112.4340)
LOCK_KEY = 3576_0001  # PostgreSQL advisory lock: one generator run at a time

# --- Names ----------------------------------------------------------------------------------------
# Old-style Javanese names, mostly of people born before ~1965.
MALE_OLD = [
    "Slamet",
    "Sugeng",
    "Suparman",
    "Sutrisno",
    "Paimin",
    "Sukardi",
    "Sumarno",
    "Kasmin",
    "Darmo",
    "Karsono",
    "Tukiman",
    "Ngadiman",
    "Suwarno",
    "Marsudi",
    "Sarjono",
]
MALE_JAVANESE = [
    "Agus",
    "Budi",
    "Bambang",
    "Joko",
    "Supriyadi",
    "Sugiarto",
    "Heru",
    "Wahyu",
    "Eko",
    "Dwi",
    "Didik",
    "Teguh",
    "Bayu",
    "Rudi",
    "Hendra",
    "Andi",
    "Dimas",
    "Aditya",
    "Fajar",
    "Galih",
    "Gilang",
    "Bagus",
    "Anang",
    "Puji",
    "Sigit",
    "Wawan",
    "Yoga",
    "Krisna",
    "Danang",
    "Rizky",
]
MALE_MUSLIM = [
    "Muhammad",
    "Ahmad",
    "Abdul",
    "Rahmat",
    "Fauzi",
    "Firman",
    "Syaiful",
    "Ridwan",
    "Yusuf",
    "Ilham",
    "Imam",
    "Hasan",
    "Husein",
    "Zainal",
    "Lukman",
    "Rizal",
    "Hamzah",
    "Solikin",
    "Mustofa",
    "Kholil",
    "Faisal",
    "Anwar",
]
MALE_CHRISTIAN = [
    "Yohanes",
    "Petrus",
    "Paulus",
    "Stefanus",
    "Yosef",
    "Antonius",
    "Fransiskus",
    "Markus",
    "Daniel",
    "Michael",
    "Gabriel",
    "Robertus",
    "Andreas",
]
FEMALE_OLD = [
    "Painem",
    "Ngatini",
    "Sumiati",
    "Suparmi",
    "Tumini",
    "Sarmi",
    "Kasiyem",
    "Juminten",
    "Sukarti",
    "Suwarni",
    "Sulastri",
    "Sumarni",
    "Karsinah",
    "Poniyem",
    "Mujiati",
]
FEMALE_JAVANESE = [
    "Sri",
    "Dewi",
    "Tutik",
    "Endang",
    "Wahyuni",
    "Lestari",
    "Rina",
    "Yanti",
    "Ratna",
    "Wulan",
    "Ayu",
    "Indah",
    "Putri",
    "Novi",
    "Eka",
    "Dian",
    "Fitri",
    "Kartini",
    "Purwanti",
    "Mega",
    "Nadia",
    "Citra",
    "Sekar",
    "Retno",
    "Widya",
    "Kurnia",
    "Ika",
    "Puspita",
    "Anjani",
    "Larasati",
]
FEMALE_MUSLIM = [
    "Siti",
    "Nur",
    "Aminah",
    "Fatimah",
    "Khotimah",
    "Aisyah",
    "Zahra",
    "Nurul",
    "Laila",
    "Halimah",
    "Maryam",
    "Rohmah",
    "Umi",
    "Zulaikha",
    "Khusnul",
    "Rofiah",
    "Musyarofah",
    "Masitoh",
    "Salsabila",
    "Nabila",
    "Khoirunnisa",
    "Hafizah",
]
FEMALE_CHRISTIAN = [
    "Maria",
    "Agnes",
    "Theresia",
    "Yohana",
    "Elisabeth",
    "Veronika",
    "Katarina",
    "Margaretha",
    "Monika",
    "Lusia",
    "Debora",
    "Natalia",
    "Christina",
]
# Second names (Javanese "family" names are really second given names, and gendered).
MALE_SECOND = [
    "Santoso",
    "Prasetyo",
    "Wijaya",
    "Hidayat",
    "Saputra",
    "Setiawan",
    "Kurniawan",
    "Nugroho",
    "Susanto",
    "Gunawan",
    "Purnomo",
    "Hartono",
    "Wibowo",
    "Firmansyah",
    "Ramadhan",
    "Pratama",
    "Hermawan",
    "Sulistyo",
    "Haryanto",
    "Suryadi",
    "Utomo",
    "Kusuma",
    "Syahputra",
    "Maulana",
    "Hakim",
    "Arifin",
    "Rahman",
    "Hidayatullah",
    "Effendi",
    "Cahyono",
    "Prabowo",
    "Darmawan",
    "Siswanto",
    "Mulyono",
]
FEMALE_SECOND = [
    "Lestari",
    "Rahmawati",
    "Wulandari",
    "Susanti",
    "Handayani",
    "Kusumawati",
    "Purwaningsih",
    "Safitri",
    "Puspitasari",
    "Anggraini",
    "Maharani",
    "Novitasari",
    "Rahayu",
    "Hartati",
    "Astuti",
    "Suryani",
    "Setyowati",
    "Indriani",
    "Fitriani",
    "Wahyuningsih",
    "Yuliani",
    "Pratiwi",
    "Ningsih",
    "Kurniasari",
    "Permatasari",
    "Sulistyowati",
    "Nurhayati",
    "Widyastuti",
    "Rosita",
    "Aprilia",
]

BIRTH_PLACES_ELSEWHERE = [
    "Surabaya",
    "Jombang",
    "Sidoarjo",
    "Malang",
    "Pasuruan",
    "Kediri",
    "Lamongan",
    "Gresik",
    "Madiun",
    "Tulungagung",
    "Blitar",
    "Nganjuk",
    "Bojonegoro",
    "Tuban",
    "Probolinggo",
    "Jakarta",
    "Semarang",
    "Surakarta",
    "Yogyakarta",
    "Banyuwangi",
]
STREETS = [
    "Pahlawan",
    "Majapahit",
    "Gajah Mada",
    "Benteng Pancasila",
    "Empunala",
    "Brawijaya",
    "Residen Pamuji",
    "Bhayangkara",
    "Kartini",
    "Hayam Wuruk",
    "Surodinawan",
    "Prajurit Kulon",
    "KH. Hasyim Asy'ari",
    "Raya Meri",
    "Taman Siswa",
    "Cinde",
    "Kenanga",
    "Melati",
    "Mawar",
    "Anggrek",
    "Kedungsari",
    "Tribuana Tunggadewi",
    "Raden Wijaya",
    "Sinoman",
    "Jagalan",
    "Gedongan",
    "Kranggan",
    "Miji Baru",
    "Balongcangkring",
    "Sentanan",
    "Suromulang",
    "Kuti",
    "Semeru",
    "Wahidin Sudirohusodo",
    "Mojopahit Selatan",
    "Ijen",
    "Tropodo",
    "Kauman",
    "Pekayon",
    "Bancang",
]
REJECTION_REASONS = [
    "NIK tidak ditemukan dalam database Disdukcapil.",
    "Alamat tidak ditemukan saat verifikasi lapangan.",
    "Keluarga sudah pindah domisili ke luar Kota Mojokerto.",
    "Data ganda: keluarga sudah terdaftar dengan nomor KK lain.",
    "Dokumen pendukung (KK/KTP) tidak dilampirkan.",
    "Kondisi ekonomi keluarga tidak sesuai kriteria saat kunjungan rumah.",
]
PPKS_SOURCES = [
    "Pendataan Puskesos",
    "Laporan RT/RW",
    "Rujukan Puskesmas",
    "Kunjungan rumah TKSK",
    "Laporan PSM",
    "Rujukan rumah sakit",
    "Datang langsung ke Dinsos",
]

# --- Weighted choices -----------------------------------------------------------------------------


class Weighted:
    """A fast weighted choice: ``pick(rng)`` with precomputed cumulative weights."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs):
        self.items = [item for item, _ in pairs]
        self.cum = list(itertools.accumulate(weight for _, weight in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


HOUSEHOLD_SIZE = Weighted([(1, 8), (2, 15), (3, 23), (4, 27), (5, 17), (6, 10)])  # mean 3.6
RELIGION = Weighted(
    [
        ("islam", 905),
        ("kristen", 50),
        ("katolik", 30),
        ("hindu", 6),
        ("buddha", 6),
        ("khonghucu", 2),
        ("kepercayaan", 1),
    ]
)
STATUS = Weighted([("verified", 80), ("submitted", 10), ("draft", 7), ("rejected", 3)])
EDUCATION_OLD = Weighted([("tidak_sekolah", 25), ("sd", 45), ("smp", 14), ("sma", 12), ("diploma", 1), ("sarjana", 3)])
EDUCATION_MIDDLE = Weighted(
    [("tidak_sekolah", 4), ("sd", 24), ("smp", 25), ("sma", 33), ("diploma", 5), ("sarjana", 9)]
)
EDUCATION_YOUNG = Weighted([("tidak_sekolah", 1), ("sd", 8), ("smp", 18), ("sma", 50), ("diploma", 8), ("sarjana", 15)])
JOBS_BASIC = Weighted(
    [
        ("Buruh Harian Lepas", 20),
        ("Karyawan Swasta", 18),
        ("Wiraswasta", 15),
        ("Pedagang", 10),
        ("Buruh Pabrik", 9),
        ("Sopir", 4),
        ("Tukang Bangunan", 5),
        ("Penjahit", 2),
        ("Petani/Pekebun", 3),
        ("Belum/Tidak Bekerja", 10),
        ("Pengemudi Ojek", 4),
    ]
)
JOBS_EDUCATED = Weighted(
    [
        ("Karyawan Swasta", 35),
        ("Wiraswasta", 15),
        ("Pegawai Negeri Sipil", 14),
        ("Guru", 12),
        ("Perawat", 4),
        ("Bidan", 2),
        ("Karyawan BUMN", 5),
        ("TNI", 2),
        ("Polri", 2),
        ("Belum/Tidak Bekerja", 9),
    ]
)
JOBS_ELDERLY = Weighted(
    [
        ("Belum/Tidak Bekerja", 40),
        ("Pedagang", 12),
        ("Petani/Pekebun", 10),
        ("Buruh Harian Lepas", 10),
        ("Wiraswasta", 13),
    ]
)

# Disability: type weights by age group, and the Washington Group domains each type affects (the
# first one most).
DISABILITY_TYPE = {
    "child": Weighted([("fisik", 25), ("intelektual", 30), ("mental", 5), ("netra", 8), ("rungu", 14), ("wicara", 18)]),
    "adult": Weighted(
        [("fisik", 42), ("intelektual", 10), ("mental", 18), ("netra", 13), ("rungu", 10), ("wicara", 7)]
    ),
    "elderly": Weighted(
        [("fisik", 45), ("intelektual", 2), ("mental", 8), ("netra", 25), ("rungu", 18), ("wicara", 2)]
    ),
}
TYPE_DOMAINS = {
    "fisik": ("wg_walking", "wg_hands", "wg_self_care"),
    "intelektual": ("wg_learning", "wg_remembering", "wg_communicating"),
    "mental": ("wg_behaviour", "wg_remembering"),
    "netra": ("wg_seeing",),
    "rungu": ("wg_hearing", "wg_communicating"),
    "wicara": ("wg_communicating",),
}
WG_FIELDS = (
    "wg_seeing",
    "wg_hearing",
    "wg_walking",
    "wg_hands",
    "wg_learning",
    "wg_behaviour",
    "wg_communicating",
    "wg_self_care",
    "wg_remembering",
)
SEVERITY = Weighted([("ringan", 40), ("sedang", 35), ("berat", 25)])
CAUSE = {
    "child": Weighted([("bawaan", 70), ("penyakit", 18), ("kecelakaan", 5), ("lainnya", 4), ("", 3)]),
    "adult": Weighted([("bawaan", 25), ("penyakit", 38), ("kecelakaan", 25), ("bencana", 3), ("lainnya", 5), ("", 4)]),
    "elderly": Weighted([("bawaan", 8), ("penyakit", 65), ("kecelakaan", 14), ("lainnya", 8), ("", 5)]),
}
DEPENDENCE = {
    "ringan": Weighted([("mandiri", 80), ("sebagian", 15), ("", 5)]),
    "sedang": Weighted([("mandiri", 33), ("sebagian", 55), ("total", 7), ("", 5)]),
    "berat": Weighted([("sebagian", 38), ("total", 57), ("", 5)]),
}
DECILE = Weighted([(1, 22), (2, 18), (3, 15), (4, 12), (5, 10), (6, 8), (7, 6), (8, 4), (9, 3), (10, 2)])

# PPKS category numbers (Permensos 8/2012, see migration 0002).
PPKS_CHILD = (1, 2, 3, 4, 6, 7)
PPKS_ELDERLY = 8
PPKS_CHILD_DISABILITY = 5
PPKS_DISABILITY = 9
PPKS_WOMAN_AT_RISK = 23
PPKS_POOR = 24
PPKS_ADULT_OTHER = (10, 11, 12, 13, 15, 16, 17, 18, 19, 20, 21, 22, 25)

HOUSEHOLD_COLUMNS = (
    "id",
    "kk_number",
    "address",
    "rt",
    "rw",
    "region_id",
    "latitude",
    "longitude",
    "status",
    "rejection_reason",
    "verified_by_id",
    "verified_at",
    "created_by_id",
    "created_at",
    "updated_at",
)
PERSON_COLUMNS = (
    "id",
    "nik",
    "full_name",
    "sex",
    "birth_place",
    "birth_date",
    "religion",
    "marital_status",
    "education",
    "occupation",
    "phone",
    "mother_name",
    "household_id",
    "relationship",
    "region_id",
    "domicile_address",
    "life_status",
    "needs_civil_documents",
    "nik_mismatch_confirmed",
    "merged_into_id",
    "status",
    "rejection_reason",
    "verified_by_id",
    "verified_at",
    "created_by_id",
    "created_at",
    "updated_at",
)
DISABILITY_COLUMNS = (
    "person_id",
    "types",
    "severity",
    "cause",
    "devices_needed",
    "devices_owned",
    "daily_dependence",
    "caregiver_id",
    "caregiver_name",
    "card_number",
    *WG_FIELDS,
)
WELFARE_COLUMNS = ("person_id", "dtks_status", "decile", "uninhabitable_house")
PROGRAM_COLUMNS = ("person_id", "program", "year", "note")
PPKS_COLUMNS = ("person_id", "category_id", "identified_on", "source", "status")


@dataclass(frozen=True)
class _Kelurahan:
    code: str
    kecamatan: str  # the NIK/KK prefix: 35.76.02.1010 → 357602
    latitude: float
    longitude: float


class _Serials:
    """The next free 4-digit serial after each 12-digit NIK/KK prefix (kecamatan + date)."""

    def __init__(self, used: dict[str, int]):
        self.last = used

    def take(self, prefix: str) -> str | None:
        n = self.last.get(prefix, 0) + 1
        if n > 9999:
            return None
        self.last[prefix] = n
        return f"{prefix}{n:04d}"


def misspell(name: str, rng: random.Random) -> str:
    """The name with one letter changed, added or dropped, the way clerks and old spellings do
    (Muhammad/Muhamad, Fatimah/Fatima, Arif/Arip, Yanti/Yanty, Syaiful/Saiful, Ramadhan/Ramadan)."""
    words = name.split(" ")
    candidates = []
    for w, word in enumerate(words):
        low = word.lower()
        for i in range(1, len(word)):
            if low[i] == low[i - 1]:
                candidates.append((w, word[:i] + word[i + 1 :]))  # Muhammad → Muhamad
            if low[i] == "h" and low[i - 1] in "kdtsc":
                candidates.append((w, word[:i] + word[i + 1 :]))  # Khotimah → Kotimah
            if low[i - 1 : i + 1] == "sy":
                candidates.append((w, word[:i] + word[i + 1 :]))  # Syaiful → Saiful
        if low.endswith("ah"):
            candidates.append((w, word[:-1]))  # Fatimah → Fatima
        if low.endswith("i"):
            candidates.append((w, word[:-1] + "y"))  # Yanti → Yanty
        if low.endswith("y"):
            candidates.append((w, word[:-1] + "i"))
        if "f" in low[1:]:
            i = low.index("f", 1)
            candidates.append((w, word[:i] + "p" + word[i + 1 :]))  # Arif → Arip
        if "u" in low[1:]:
            i = low.index("u", 1)
            candidates.append((w, word[:i] + "o" + word[i + 1 :]))  # Sutrisno → Sotrisno
    if not candidates:  # no typical change: double the last letter
        candidates.append((len(words) - 1, words[-1] + words[-1][-1]))
    w, variant = candidates[rng.randrange(len(candidates))]
    return " ".join(variant if i == w else word for i, word in enumerate(words))


class _Generator:
    def __init__(self, *, rng, kelurahan, nik_serials, kk_serials, ppks_ids, status_mix, reference_date):
        self.rng = rng
        self.kelurahan = kelurahan
        self.niks = nik_serials
        self.kks = kk_serials
        self.ppks_ids = ppks_ids
        self.status_mix = status_mix
        self.today = reference_date.toordinal()
        self.card_serial = 0
        self.reset()

    def reset(self):
        self.households, self.people, self.disability, self.welfare, self.programs, self.ppks = [], [], [], [], [], []
        self.duplicates = []
        self.provisional = 0

    def batch(self) -> dict[str, list[dict]]:
        return {
            "households": self.households,
            "people": self.people,
            "duplicates": self.duplicates,
            "disability": self.disability,
            "welfare": self.welfare,
            "programs": self.programs,
            "ppks": self.ppks,
        }

    def next_person_id(self) -> int:
        """A provisional id (0, 1, 2… in the batch), replaced by one from the sequence when written."""
        self.provisional += 1
        return self.provisional - 1

    # --- Names, dates, numbers ---
    def name(self, sex: str, religion: str, birth_year: int) -> str:
        rng = self.rng
        female = sex == "P"
        old, javanese = (FEMALE_OLD, FEMALE_JAVANESE) if female else (MALE_OLD, MALE_JAVANESE)
        second = FEMALE_SECOND if female else MALE_SECOND
        if religion in ("kristen", "katolik"):
            pool = (FEMALE_CHRISTIAN if female else MALE_CHRISTIAN) if rng.random() < 0.6 else javanese
        elif religion == "islam" and rng.random() < 0.45:
            pool = FEMALE_MUSLIM if female else MALE_MUSLIM
        else:
            pool = javanese
        r = rng.random()
        if birth_year < 1965:
            if r < 0.6:
                return rng.choice(old) if rng.random() < 0.7 else rng.choice(javanese)
            return f"{rng.choice(pool)} {rng.choice(second)}"
        if r < 0.15:
            return rng.choice(pool)
        if r < 0.8:
            return f"{rng.choice(pool)} {rng.choice(second)}"
        first, middle = rng.choice(pool), rng.choice(javanese)
        if first == middle:
            return f"{first} {rng.choice(second)}"
        return f"{first} {middle} {rng.choice(second)}"

    def birth_ordinal(self, age: int) -> int:
        return self.today - 1 - age * 365 - self.rng.randrange(365)

    def nik(self, kecamatan: str, sex: str, birth_ord: int) -> tuple[str, int]:
        """A NIK for this kecamatan, sex and birth date; the date moves a day in the (practically
        impossible) case that all 9,999 serials of that date are taken."""
        while True:
            d = datetime.date.fromordinal(birth_ord)
            day = d.day + 40 if sex == "P" else d.day
            nik = self.niks.take(f"{kecamatan}{day:02d}{d.month:02d}{d.year % 100:02d}")
            if nik:
                return nik, birth_ord
            birth_ord -= 1

    def kk_number(self, kecamatan: str, issued_ord: int) -> str:
        while True:
            d = datetime.date.fromordinal(issued_ord)
            kk = self.kks.take(f"{kecamatan}{d.day:02d}{d.month:02d}{d.year % 100:02d}")
            if kk:
                return kk
            issued_ord -= 1

    def phone(self) -> str:
        rng = self.rng
        return f"08{rng.choice('1235789')}{rng.randrange(10)}{rng.randrange(10_000_000, 100_000_000)}"

    # --- One household ---
    def household(self, duplicate: bool) -> None:
        """One family: its members, the people's rows, the household's row, then their profiles."""
        rng = self.rng
        household_id = len(self.households)  # provisional, like the people's ids
        kel = self.kelurahan[rng.randrange(len(self.kelurahan))]
        size = HOUSEHOLD_SIZE.pick(rng)
        religion = RELIGION.pick(rng)
        status = STATUS.pick(rng) if self.status_mix else "verified"
        reason = rng.choice(REJECTION_REASONS) if status == "rejected" else ""
        members, has_spouse = self.members(size)
        for member in members:
            member.append(self.birth_ordinal(member[2]))
        created, decided, issued = self.registration_times(members, status)
        record = {
            "region_id": kel.code,
            "status": status,
            "rejection_reason": reason,
            "verified_by_id": None,
            "verified_at": decided,
            "created_by_id": None,
            "created_at": created,
            "updated_at": decided or created,
        }
        rows = []
        mother_name = None
        for relationship, sex, age, birth_ord in members:
            row = self.person(kel, relationship, sex, age, birth_ord, religion, mother_name, has_spouse, size)
            if relationship in ("kepala", "suami_istri") and sex == "P" and len(members) > 1:
                mother_name = row["full_name"]
            rows.append({**row, "household_id": household_id, **record})
        self.people.extend(rows)
        self.households.append(
            {
                "id": household_id,
                "kk_number": self.kk_number(kel.kecamatan, issued),
                "address": f"Jl. {rng.choice(STREETS)} No. {rng.randint(1, 150)}",
                "rt": f"{rng.randint(1, 15):03d}",
                "rw": f"{rng.randint(1, 8):03d}",
                "latitude": Decimal(f"{kel.latitude + rng.uniform(-0.004, 0.004):.6f}"),
                "longitude": Decimal(f"{kel.longitude + rng.uniform(-0.004, 0.004):.6f}"),
                **record,
            }
        )
        self.profiles(rows, size)
        if duplicate:
            self.duplicate(rows, kel)

    def members(self, size: int) -> tuple[list[list], bool]:
        """The family's members as [relationship, sex, age], head first; and whether the head has a spouse."""
        rng = self.rng
        if size == 1:
            head_age = rng.choice((rng.randint(20, 40), rng.randint(40, 60), rng.randint(60, 90), rng.randint(60, 90)))
        elif size == 2:
            r = rng.random()
            head_age = rng.randint(22, 38) if r < 0.35 else rng.randint(38, 55) if r < 0.5 else rng.randint(55, 85)
        else:
            head_age = int(rng.triangular(26, 70, 42))
        has_spouse = size >= 2 and rng.random() < (0.8 if size == 2 else 0.88)
        if has_spouse:
            head_sex = "L" if rng.random() < 0.97 else "P"
        else:
            head_sex = "P" if rng.random() < (0.6 if head_age >= 45 else 0.35) else "L"
        members = [["kepala", head_sex, head_age]]
        slots = size - 1
        mother_age = head_age if head_sex == "P" else head_age - 3
        if has_spouse:
            spouse_sex = "P" if head_sex == "L" else "L"
            spouse_age = max(18, head_age - rng.randint(-2, 8) if spouse_sex == "P" else head_age + rng.randint(0, 6))
            members.append(["suami_istri", spouse_sex, spouse_age])
            mother_age = spouse_age if spouse_sex == "P" else head_age
            slots -= 1
        if slots and size >= 3 and head_age <= 60 and rng.random() < 0.12:
            parent_age = min(95, head_age + rng.randint(20, 35))
            relation = "orang_tua" if rng.random() < 0.7 else "mertua"
            members.append([relation, "P" if rng.random() < 0.7 else "L", parent_age])
            slots -= 1
        if slots >= 2 and head_age >= 55 and rng.random() < 0.4:
            child_age = rng.randint(max(19, mother_age - 40), max(19, mother_age - 20))
            members.append(["anak", "L" if rng.random() < 0.5 else "P", child_age])
            slots -= 1
            for _ in range(slots):
                members.append(
                    ["cucu", "L" if rng.random() < 0.5 else "P", rng.randint(0, max(0, min(17, child_age - 19)))]
                )
        else:
            for _ in range(slots):
                child_age = rng.randint(max(0, mother_age - 40), max(0, mother_age - 18))  # mother 18–40 at birth
                members.append(["anak", "L" if rng.random() < 0.5 else "P", child_age])
        return members, has_spouse

    def registration_times(self, members: list[list], status: str):
        """When the family was registered (after the youngest was born), verified or rejected, and
        the day its KK was last issued (ordinal)."""
        rng = self.rng
        youngest = max(member[3] for member in members)
        created_day = rng.randint(min(max(youngest + 1, self.today - 730), self.today - 1), self.today - 1)
        created = datetime.datetime.combine(
            datetime.date.fromordinal(created_day), datetime.time(1), tzinfo=datetime.UTC
        ) + datetime.timedelta(seconds=rng.randrange(8 * 3600))  # 08:00–16:00 WIB
        decided = None
        if status in ("verified", "rejected"):
            decided = min(
                created + datetime.timedelta(days=rng.randrange(1, 30), seconds=rng.randrange(3600)),
                datetime.datetime.combine(datetime.date.fromordinal(self.today), datetime.time(), tzinfo=datetime.UTC),
            )
        issued = rng.randint(min(max(youngest, datetime.date(2008, 1, 1).toordinal()), created_day), created_day)
        return created, decided, issued

    def person(self, kel, relationship, sex, age, birth_ord, religion, mother_name, has_spouse, size) -> dict:
        """One member's row (without the household's and the record's columns)."""
        rng = self.rng
        birth_year = datetime.date.fromordinal(birth_ord).year
        if relationship in ("orang_tua", "mertua"):
            person_religion = religion if rng.random() < 0.95 else "islam"
        else:
            person_religion = religion
        full_name = self.name(sex, person_religion, birth_year)
        if relationship == "anak":
            mother = mother_name or self.name("P", religion, birth_year - 25)
        else:
            mother = self.name("P", person_religion, birth_year - 25)
        marital = self.marital_status(relationship, age, has_spouse, size)
        education = self.education(age, birth_year)
        occupation = self.occupation(age, sex, education)
        life_status = "hidup"
        if age >= 65 and rng.random() < 0.03:
            life_status = "meninggal"
        elif 19 <= age <= 40 and relationship == "anak" and rng.random() < 0.02:
            life_status = "pindah"
        if rng.random() < 0.03:
            nik = None
        else:
            nik, birth_ord = self.nik(kel.kecamatan, sex, birth_ord)
        person_id = self.next_person_id()
        local = rng.random() < (0.88 if age < 20 else 0.7)
        birth_place = "Mojokerto" if local else rng.choice(BIRTH_PLACES_ELSEWHERE)
        return {
            "id": person_id,
            "nik": nik,
            "full_name": full_name,
            "sex": sex,
            "birth_place": birth_place,
            "birth_date": datetime.date.fromordinal(birth_ord),
            "religion": person_religion,
            "marital_status": marital,
            "education": education,
            "occupation": occupation,
            "phone": self.phone() if age >= 17 and rng.random() < 0.6 else "",
            "mother_name": mother,
            "relationship": relationship,
            "domicile_address": "",
            "life_status": life_status,
            "needs_civil_documents": nik is None,
            "nik_mismatch_confirmed": False,
            "merged_into_id": None,
            "_age": age,
        }

    def marital_status(self, relationship: str, age: int, has_spouse: bool, size: int) -> str:
        rng = self.rng
        if relationship == "kepala" and has_spouse or relationship == "suami_istri":
            return "kawin"
        if relationship == "kepala":
            if size == 1 and age < 35:
                return "belum_kawin"
            return "cerai_mati" if age >= 50 or rng.random() < 0.4 else "cerai_hidup"
        if relationship in ("orang_tua", "mertua"):
            return "cerai_mati" if rng.random() < 0.8 else "kawin"
        if age >= 25 and rng.random() < 0.1:
            return "cerai_hidup"
        return "belum_kawin"

    def education(self, age: int, birth_year: int) -> str:
        if age < 7:
            return "tidak_sekolah"
        if age < 13:
            return "sd"
        if age < 16:
            return "smp"
        if age < 19:
            return "sma"
        cohort = EDUCATION_OLD if birth_year < 1960 else EDUCATION_MIDDLE if birth_year < 1980 else EDUCATION_YOUNG
        return cohort.pick(self.rng)

    def occupation(self, age: int, sex: str, education: str) -> str:
        rng = self.rng
        if age < 5:
            return "Belum/Tidak Bekerja"
        if age < 19 or (age < 23 and rng.random() < 0.5):
            return "Pelajar/Mahasiswa"
        if age >= 60:
            if education in ("sma", "diploma", "sarjana") and rng.random() < 0.35:
                return "Pensiunan"
            return "Mengurus Rumah Tangga" if sex == "P" and rng.random() < 0.5 else JOBS_ELDERLY.pick(rng)
        if sex == "P" and rng.random() < 0.4:
            return "Mengurus Rumah Tangga"
        return (JOBS_EDUCATED if education in ("diploma", "sarjana") else JOBS_BASIC).pick(rng)

    def profiles(self, rows: list[dict], size: int) -> None:
        """Disability, welfare and PPKS records of the family's members."""
        for row in rows:
            if self.disability_profile(row, rows):
                row["_disabled"] = True
        if self.rng.random() < 0.4:
            self.welfare_profiles(rows)
        for row in rows:
            self.ppks_records(row, size)

    def disability_profile(self, person: dict, household: list[dict]) -> bool:
        rng = self.rng
        age = person["_age"]
        group = "child" if age < 18 else "elderly" if age >= 60 else "adult"
        if rng.random() >= {"child": 0.035, "adult": 0.07, "elderly": 0.22}[group]:
            return False
        weighted = DISABILITY_TYPE[group]
        types = [weighted.pick(rng)]
        if rng.random() < 0.15:  # multiple (ganda)
            while len(types) < (3 if rng.random() < 0.2 else 2):
                extra = weighted.pick(rng)
                if extra not in types:
                    types.append(extra)
        severity = SEVERITY.pick(rng)
        needed = []
        for kind in types:
            r = rng.random()
            if kind == "fisik":
                if r < 0.4:
                    needed.append("kursi_roda")
                elif r < 0.7:
                    needed.append("kruk")
                elif r < 0.8:
                    needed.append("prostesis")
            elif kind == "netra" and r < 0.7:
                needed.append("tongkat_netra")
            elif kind == "rungu" and r < 0.75:
                needed.append("alat_bantu_dengar")
        owned = [device for device in needed if rng.random() < 0.45]
        dependence = DEPENDENCE[severity].pick(rng)
        caregiver_id, caregiver_name = None, ""
        if dependence in ("sebagian", "total"):
            adults = [p for p in household if p is not person and 18 <= p["_age"] < 75]
            if adults:
                caregiver_id = adults[rng.randrange(len(adults))]["id"]
            else:
                caregiver_name = self.name("P" if rng.random() < 0.7 else "L", person["religion"], 1975)
        card = ""
        if rng.random() < 0.3:
            self.card_serial += 1
            card = f"KPD-{person['region_id'][:5].replace('.', '')}-{self.card_serial:06d}"
        profile = {
            "person_id": person["id"],
            "types": types,
            "severity": severity,
            "cause": CAUSE[group].pick(rng),
            "devices_needed": needed,
            "devices_owned": owned,
            "daily_dependence": dependence,
            "caregiver_id": caregiver_id,
            "caregiver_name": caregiver_name,
            "card_number": card,
        }
        wg = dict.fromkeys(WG_FIELDS)
        if rng.random() < 0.75:  # the rest were registered before the Washington Group questions
            for field in WG_FIELDS:
                wg[field] = 2 if group == "elderly" and rng.random() < 0.15 else 1
            worst = {"ringan": (3,), "sedang": (3, 4), "berat": (4,)}[severity]
            for kind in types:
                primary, *others = TYPE_DOMAINS[kind]
                level = rng.choice(worst)
                wg[primary] = max(wg[primary], level)
                for field in others:
                    wg[field] = max(wg[field], rng.randint(2, level))
        profile.update(wg)
        self.disability.append(profile)
        return True

    def welfare_profiles(self, rows: list[dict]) -> None:
        """A welfare profile for every member (the decile is the household's), and the programmes
        that registered poor households receive."""
        rng = self.rng
        decile = DECILE.pick(rng)
        r = rng.random()
        if decile <= 4:
            dtks = "terdaftar" if r < 0.85 else "diusulkan"
        elif decile <= 6:
            dtks = "terdaftar" if r < 0.5 else "diusulkan" if r < 0.75 else "tidak_terdaftar"
        else:
            dtks = "tidak_terdaftar" if r < 0.6 else "terdaftar" if r < 0.8 else "diusulkan"
        shown_decile = None if dtks == "tidak_terdaftar" and rng.random() < 0.3 else decile
        rtlh = rng.random() < (0.15 if decile <= 3 else 0.06 if decile <= 6 else 0.01)
        for row in rows:
            self.welfare.append(
                {"person_id": row["id"], "dtks_status": dtks, "decile": shown_decile, "uninhabitable_house": rtlh}
            )
            row["_decile"] = decile
        if dtks != "terdaftar":
            return
        head = rows[0]
        mother = next((p for p in rows if p["relationship"] in ("kepala", "suami_istri") and p["sex"] == "P"), head)

        def years():
            start = rng.choice(PROGRAM_YEARS)
            end = rng.choice([y for y in PROGRAM_YEARS if y >= start])
            return range(start, end + 1)

        def receive(person, program, note=""):
            for year in years():
                self.programs.append({"person_id": person["id"], "program": program, "year": year, "note": note})

        vulnerable = any(p["_age"] < 18 or p["_age"] >= 70 or p.get("_disabled") for p in rows)
        if decile <= 3 and vulnerable and rng.random() < 0.6:
            receive(mother, "pkh")
        if decile <= 4 and rng.random() < 0.7:
            receive(head, "bpnt")
        if decile <= 5 and rng.random() < 0.8:
            for row in rows:
                receive(row, "pbi_jk")
        for row in rows:
            if (row.get("_disabled") or row["_age"] >= 70) and rng.random() < 0.3:
                year = rng.choice(PROGRAM_YEARS)
                self.programs.append({"person_id": row["id"], "program": "atensi", "year": year, "note": ""})
        if rng.random() < 0.03:
            receive(head, "lainnya", "Bantuan sosial Pemkot Mojokerto")

    def ppks_records(self, person: dict, size: int) -> None:
        rng = self.rng
        if not self.ppks_ids:
            return
        age, decile = person["_age"], person.get("_decile", 10)
        categories = []
        r = rng.random()
        if person.get("_disabled"):
            if r < 0.3:
                categories.append(PPKS_CHILD_DISABILITY if age < 18 else PPKS_DISABILITY)
        elif age >= 60:
            if r < (0.2 if size == 1 or decile <= 3 else 0.03):
                categories.append(PPKS_ELDERLY)
        elif age < 18:
            if r < (0.04 if decile <= 3 else 0.01):
                categories.append(rng.choice(PPKS_CHILD))
        elif person["relationship"] == "kepala" and person["sex"] == "P" and person["marital_status"] != "kawin":
            if r < 0.15:
                categories.append(PPKS_WOMAN_AT_RISK)
        elif r < 0.015:
            categories.append(rng.choice(PPKS_ADULT_OTHER))
        if person["relationship"] == "kepala" and decile <= 2 and rng.random() < 0.15:
            categories.append(PPKS_POOR)
        identified_from = max(datetime.date(2022, 1, 1).toordinal(), person["birth_date"].toordinal())
        for code in dict.fromkeys(categories):  # once per category
            if code not in self.ppks_ids:
                continue
            self.ppks.append(
                {
                    "person_id": person["id"],
                    "category_id": self.ppks_ids[code],
                    "identified_on": datetime.date.fromordinal(rng.randint(identified_from, self.today - 1)),
                    "source": rng.choice(PPKS_SOURCES),
                    "status": "aktif" if rng.random() < 0.7 else "tertangani",
                }
            )

    def duplicate(self, rows: list[dict], kel: _Kelurahan) -> None:
        """Register one member again: name misspelt by one letter, same birth date and kelurahan,
        another NIK or none, no household; waiting for an officer to spot it."""
        rng = self.rng
        candidates = [p for p in rows if p["_age"] >= 17 and p["life_status"] == "hidup"] or rows
        original = candidates[rng.randrange(len(candidates))]
        copy = dict(original)
        copy["id"] = self.next_person_id()
        copy["full_name"] = misspell(original["full_name"], rng)
        if rng.random() < 0.5:
            copy["nik"] = None
            copy["needs_civil_documents"] = True
        else:
            copy["nik"], _ = self.nik(kel.kecamatan, copy["sex"], original["birth_date"].toordinal())
            copy["needs_civil_documents"] = False
        created = min(
            original["created_at"] + datetime.timedelta(days=rng.randint(30, 300)),
            datetime.datetime.combine(datetime.date.fromordinal(self.today - 1), datetime.time(9), tzinfo=datetime.UTC),
        )
        copy.update(
            household_id=None,
            relationship="",
            phone=self.phone() if rng.random() < 0.5 else "",
            status=("submitted" if rng.random() < 0.6 else "draft") if self.status_mix else "verified",
            rejection_reason="",
            verified_at=None if self.status_mix else created + datetime.timedelta(days=1),
            created_at=created,
        )
        copy["updated_at"] = copy["verified_at"] or created
        self.people.append(copy)
        self.duplicates.append(copy)


# --- Database ---------------------------------------------------------------------------------------


def _used_serials(model, column: str, prefixes: list[str]) -> dict[str, int]:
    """The highest serial already used after each 12-digit prefix (kecamatan + date) in these kecamatans."""
    table, col = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT left({col}, 12), max(right({col}, 4))::int FROM {table} "
            f"WHERE {col} ~ '^[0-9]{{16}}$' AND left({col}, 6) = ANY(%s) GROUP BY 1",
            [prefixes],
        )
        return dict(cursor.fetchall())


def _kelurahan(codes: list[str] | None) -> list[_Kelurahan]:
    villages = Region.objects.filter(level__in=VILLAGE_LEVELS)
    if codes:
        found = set(villages.filter(code__in=codes).values_list("code", flat=True))
        unknown = sorted(set(codes) - found)
        if unknown:
            raise ValueError(f"not a kelurahan/desa in the database: {', '.join(unknown)}")
        selected = sorted(found)
    else:
        in_city = villages.filter(code__startswith=CITY_CODE + ".").order_by("code")
        selected = list(in_city.values_list("code", flat=True))
        if not selected:
            from onegate.regions.services import load_demo_regions

            load_demo_regions()
            selected = list(in_city.values_list("code", flat=True))
    result = []
    for code in selected:
        place = random.Random(code)  # a fixed point per kelurahan, scattered around the centre
        result.append(
            _Kelurahan(
                code=code,
                kecamatan=code.rsplit(".", 1)[0].replace(".", ""),
                latitude=CITY_CENTRE[0] + place.uniform(-0.025, 0.025),
                longitude=CITY_CENTRE[1] + place.uniform(-0.025, 0.025),
            )
        )
    return result


_DONE = object()


def in_background(batches):
    """Iterate ``batches`` in a thread, one batch ahead, so that generating the next batch (Python)
    overlaps with PostgreSQL storing this one. The thread never touches the database."""
    handoff: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run():
        try:
            for batch in batches:
                if not put(batch):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the caller, raised there
            put(exc)

    thread = threading.Thread(target=run, name="synthetic-people", daemon=True)
    thread.start()
    try:
        while True:
            item = handoff.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def _tables() -> dict[str, DictCopyTable]:
    """The COPY statements, for the current thread's connection."""
    return {
        "households": DictCopyTable(Household, HOUSEHOLD_COLUMNS),
        "people": DictCopyTable(Person, PERSON_COLUMNS),
        "disability": DictCopyTable(DisabilityProfile, DISABILITY_COLUMNS),
        "welfare": DictCopyTable(WelfareProfile, WELFARE_COLUMNS),
        "programs": DictCopyTable(ProgramReceipt, PROGRAM_COLUMNS),
        "ppks": DictCopyTable(PersonPpks, PPKS_COLUMNS),
    }


@contextmanager
def _one_run_at_a_time():
    """Two runs at once would hand out the same NIK/KK serials: the second waits for the first."""
    with connection.cursor() as cursor:
        if connection.in_atomic_block:  # released with the caller's transaction
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            yield
            return
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def generate(
    *,
    households: int,
    seed: int = 1,
    duplicates: int = 0,
    kelurahan_codes: list[str] | None = None,
    batch_size: int = 5000,
    status_mix: bool = True,
    workers: int | None = None,
    reference_date: datetime.date = REFERENCE_DATE,
    progress: Callable[[dict], None] | None = None,
) -> dict:
    """Generate ``households`` families (3.6 people each on average) in the kelurahan of Kota
    Mojokerto (or those given), and ``duplicates`` of their members registered a second time under
    a misspelt name (at most one per household).

    Each batch of about ``batch_size`` people is committed on its own, by one of ``workers``
    connections (default: 2, or 1 inside a transaction, which other connections cannot see into).
    ``progress`` is called with the running counts after each batch. Returns the counts:
    households, people (duplicates included), duplicates, and the rows of disability, welfare,
    programs and ppks.
    """
    if households < 0 or duplicates < 0:
        raise ValueError("households and duplicates cannot be negative")
    if duplicates > households:
        raise ValueError("at most one duplicate per household: duplicates cannot exceed households")
    if workers is None:
        workers = 1 if connection.in_atomic_block else 2
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if workers > 1 and connection.in_atomic_block:
        raise ValueError("inside a transaction only one worker can write: other connections would not see it")
    counts = dict.fromkeys(("households", "people", "duplicates", "disability", "welfare", "programs", "ppks"), 0)
    started = time.monotonic()

    def written(batch):
        for key in counts:
            counts[key] += len(batch[key])
        if progress:
            progress({**counts, "seconds": time.monotonic() - started})

    rng = random.Random(seed)
    kelurahan = _kelurahan(kelurahan_codes)
    prefixes = sorted({k.kecamatan for k in kelurahan})
    with _one_run_at_a_time():
        generator = _Generator(
            rng=rng,
            kelurahan=kelurahan,
            nik_serials=_Serials(_used_serials(Person, "nik", prefixes)),
            kk_serials=_Serials(_used_serials(Household, "kk_number", prefixes)),
            ppks_ids=dict(PpksCategory.objects.values_list("code", "id")),
            status_mix=status_mix,
            reference_date=reference_date,
        )
        duplicate_at = set(rng.sample(range(households), duplicates))
        per_batch = max(1, round(batch_size / 3.6))  # households per batch

        def batches():
            for first in range(0, households, per_batch):
                generator.reset()
                for i in range(first, min(first + per_batch, households)):
                    generator.household(duplicate=i in duplicate_at)
                yield generator.batch()

        if workers == 1:
            tables = _tables()
            for batch in in_background(batches()):
                _write_batch(batch, tables)
                written(batch)
        else:
            _write_in_parallel(batches(), workers, written)
    return counts


def _write_in_parallel(batches, workers: int, written: Callable[[dict], None]) -> None:
    """Generate in this thread and write with ``workers`` threads, each on its own connection (one
    PostgreSQL backend cannot keep up with the generator: indexes and foreign-key checks)."""
    todo: queue.Queue = queue.Queue(maxsize=workers)
    done: queue.Queue = queue.Queue()
    stop = threading.Event()

    def work():
        try:
            tables = _tables()
            while not stop.is_set():
                try:
                    batch = todo.get(timeout=0.1)
                except queue.Empty:
                    continue
                if batch is _DONE:
                    return
                _write_batch(batch, tables)
                done.put(batch)
        except BaseException as exc:  # raised in the calling thread
            done.put(exc)
            stop.set()
        finally:
            connection.close()  # this thread's own connection

    def collect():
        while True:
            try:
                item = done.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, BaseException):
                raise item
            written(item)

    def hand_over(item):
        while True:
            collect()
            if stop.is_set():
                collect()
                raise RuntimeError("a writer stopped")
            try:
                todo.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    threads = [threading.Thread(target=work, name=f"synthetic-writer-{i}", daemon=True) for i in range(workers)]
    for thread in threads:
        thread.start()
    try:
        for batch in batches:
            hand_over(batch)
        for _ in threads:
            hand_over(_DONE)
        for thread in threads:
            while thread.is_alive():
                thread.join(0.1)
                collect()
        collect()
    finally:
        stop.set()
        for thread in threads:
            thread.join()


@transaction.atomic
def _write_batch(batch: dict[str, list[dict]], tables: dict[str, DictCopyTable]) -> None:
    """Give the batch's households and people their real ids, then COPY every table."""
    with connection.cursor() as cursor:
        # Generated data: losing the last batch in a crash is harmless, waiting for the disk is not.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
    household_ids = allocate_ids(Household, len(batch["households"]))
    person_ids = allocate_ids(Person, len(batch["people"]))
    for row in batch["households"]:
        row["id"] = household_ids[row["id"]]
    for row in batch["people"]:
        row["id"] = person_ids[row["id"]]
        if row["household_id"] is not None:
            row["household_id"] = household_ids[row["household_id"]]
    for key in ("disability", "welfare", "programs", "ppks"):
        for row in batch[key]:
            row["person_id"] = person_ids[row["person_id"]]
    for row in batch["disability"]:
        if row["caregiver_id"] is not None:
            row["caregiver_id"] = person_ids[row["caregiver_id"]]
    # Foreign keys are checked at commit (they are deferred), so the order does not matter.
    for key, table in tables.items():
        table.write(batch[key])
