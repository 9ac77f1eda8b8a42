"""The import template: its columns, how headers are recognised, and how cell values are read.

Every mapping from what people type ("Kepala Keluarga", "tuna netra", "PKH 2025") to the model's
choices is written here once. Each reader takes a stripped, non-empty cell (a ``str``, or a number
or date from XLSX) and returns the model value, or raises :class:`CellError` with the reason.
"""

import datetime
import re
from dataclasses import dataclass
from functools import cache

from django.utils import translation
from django.utils.translation import gettext_noop

from ..models import (
    AssistiveDevice,
    DisabilityCause,
    DisabilityType,
    DtksStatus,
    Education,
    MaritalStatus,
    Program,
    Relationship,
    Religion,
    Severity,
    Sex,
)
from .problems import message


class CellError(ValueError):
    """A cell that cannot be read; ``stored`` says why, for the preview (problems.message: an
    untranslated msgid and its parameters, translated when shown)."""

    def __init__(self, msgid: str, **params):
        super().__init__(msgid)
        self.stored = message(msgid, **params)


@dataclass(frozen=True)
class Column:
    name: str
    description: str  # an English msgid, translated where shown
    example: str = ""
    required: bool = False  # the header must have it (only nik: short lists update who they name)


COLUMNS = [
    Column("nik", gettext_noop("NIK, 16 digits (empty for people without a NIK)"), "3576024505800003", True),
    Column("no_kk", gettext_noop("KK number, 16 digits (empty: a person without a household)"), "3576020101150007"),
    Column("nama", gettext_noop("Full name (required for a new person)"), "Siti Aminah"),
    Column("jenis_kelamin", gettext_noop("L or P (Laki-laki / Perempuan); required for a new person"), "P"),
    Column("tempat_lahir", gettext_noop("Place of birth"), "Mojokerto"),
    Column("tanggal_lahir", gettext_noop("Date of birth, dd/mm/yyyy or yyyy-mm-dd"), "05/05/1980"),
    Column("hubungan_keluarga", gettext_noop("Relationship in the family (Kepala Keluarga, Istri, Anak, …)"), "Istri"),
    Column("alamat", gettext_noop("Household address (or domicile address without KK)"), "Jl. Pahlawan No. 12"),
    Column("rt", gettext_noop("RT, digits"), "002"),
    Column("rw", gettext_noop("RW, digits"), "004"),
    Column(
        "kode_wilayah",
        gettext_noop(
            "Kemendagri code of the kelurahan/desa (35.76.02.1010 or 3576021010); empty: the officer's own kelurahan"
        ),
        "35.76.02.1010",
    ),
    Column("agama", gettext_noop("Religion"), "Islam"),
    Column("status_perkawinan", gettext_noop("Marital status"), "Kawin"),
    Column("pendidikan", gettext_noop("Education"), "SMA"),
    Column("pekerjaan", gettext_noop("Occupation"), "Pedagang"),
    Column("nama_ibu", gettext_noop("Mother's name"), "Sulastri"),
    Column("telepon", gettext_noop("Phone"), "081234567890"),
    Column(
        "jenis_disabilitas",
        gettext_noop("Disability types, a list: fisik, intelektual, mental, netra, rungu, wicara"),
        "fisik, netra",
    ),
    Column("tingkat_disabilitas", gettext_noop("Severity: ringan, sedang, berat"), "sedang"),
    Column("penyebab_disabilitas", gettext_noop("Cause: bawaan, penyakit, kecelakaan, bencana, lainnya"), "penyakit"),
    Column(
        "alat_bantu",
        gettext_noop("Assistive devices needed, a list (kursi roda, kruk, alat bantu dengar, …)"),
        "kursi roda",
    ),
    Column("status_dtks", gettext_noop("DTKS/DTSEN: terdaftar, tidak terdaftar, diusulkan"), "terdaftar"),
    Column("desil", gettext_noop("Welfare decile, 1–10"), "2"),
    Column("rtlh", gettext_noop("Uninhabitable house: ya / tidak"), "tidak"),
    Column(
        "program", gettext_noop("Programmes received with year, a list: PKH 2025; BPNT 2024"), "PKH 2025; BPNT 2024"
    ),
    Column("ppks", gettext_noop("PPKS categories, numbers or names, a list: 9; Fakir Miskin"), "24"),
]
COLUMN_NAMES = [c.name for c in COLUMNS]
REQUIRED_COLUMNS = [c.name for c in COLUMNS if c.required]

_NOT_KEY = re.compile(r"[^a-z0-9]")


def key(text) -> str:
    """What is left of a name for loose matching: lower case letters and digits only."""
    return _NOT_KEY.sub("", str(text).lower())


_HEADER_KEYS = {key(name): name for name in COLUMN_NAMES}


def column_for_header(header) -> str | None:
    """The template column a header names, ignoring case, spaces, underscores and punctuation."""
    return _HEADER_KEYS.get(key(str(header).replace("\ufeff", ""))) if header is not None else None


# --- Choices ---------------------------------------------------------------------------------
# Beside each choice's value and its English and Indonesian labels, the words people use.
ALIASES = {
    Sex: {
        "l": "L",
        "lk": "L",
        "laki": "L",
        "pria": "L",
        "m": "L",
        "male": "L",
        "1": "L",
        "p": "P",
        "pr": "P",
        "wanita": "P",
        "f": "P",
        "female": "P",
        "2": "P",
    },
    Relationship: {
        "kepala": "kepala",
        "kk": "kepala",
        "kepalakeluarga": "kepala",
        "kepalarumahtangga": "kepala",
        "suami": "suami_istri",
        "istri": "suami_istri",
        "isteri": "suami_istri",
        "suamiistri": "suami_istri",
        "anak": "anak",
        "anakkandung": "anak",
        "anaktiri": "anak",
        "anakangkat": "anak",
        "menantu": "menantu",
        "cucu": "cucu",
        "orangtua": "orang_tua",
        "ortu": "orang_tua",
        "ayah": "orang_tua",
        "ibu": "orang_tua",
        "bapak": "orang_tua",
        "mertua": "mertua",
        "famili": "famili_lain",
        "famililain": "famili_lain",
        "saudara": "famili_lain",
        "keponakan": "famili_lain",
        "lainnya": "lainnya",
        "lain": "lainnya",
        "pembantu": "lainnya",
    },
    Religion: {
        "protestan": "kristen",
        "katholik": "katolik",
        "budha": "buddha",
        "konghucu": "khonghucu",
        "kepercayaan": "kepercayaan",
        "penghayatkepercayaan": "kepercayaan",
    },
    MaritalStatus: {
        "belumkawin": "belum_kawin",
        "belummenikah": "belum_kawin",
        "lajang": "belum_kawin",
        "kawin": "kawin",
        "menikah": "kawin",
        "ceraihidup": "cerai_hidup",
        "cerai": "cerai_hidup",
        "ceraimati": "cerai_mati",
        "janda": "cerai_mati",
        "duda": "cerai_mati",
    },
    Education: {
        "tidaksekolah": "tidak_sekolah",
        "belumsekolah": "tidak_sekolah",
        "tidakbelumsekolah": "tidak_sekolah",
        "tidaktamatsd": "tidak_sekolah",
        "sd": "sd",
        "mi": "sd",
        "smp": "smp",
        "sltp": "smp",
        "mts": "smp",
        "sma": "sma",
        "smk": "sma",
        "slta": "sma",
        "ma": "sma",
        "diploma": "diploma",
        "d1": "diploma",
        "d2": "diploma",
        "d3": "diploma",
        "d4": "diploma",
        "sarjana": "sarjana",
        "s1": "sarjana",
        "s2": "sarjana",
        "s3": "sarjana",
        "perguruantinggi": "sarjana",
    },
    DisabilityType: {
        "daksa": "fisik",
        "tunadaksa": "fisik",
        "grahita": "intelektual",
        "tunagrahita": "intelektual",
        "psikososial": "mental",
        "tunanetra": "netra",
        "buta": "netra",
        "tunarungu": "rungu",
        "tuli": "rungu",
        "tunawicara": "wicara",
        "bisu": "wicara",
    },
    Severity: {},
    DisabilityCause: {"sejaklahir": "bawaan", "bawaan": "bawaan", "kongenital": "bawaan", "sakit": "penyakit"},
    AssistiveDevice: {
        "kursiroda": "kursi_roda",
        "kruk": "kruk",
        "alatbantudengar": "alat_bantu_dengar",
        "abd": "alat_bantu_dengar",
        "tongkat": "tongkat_netra",
        "tongkatputih": "tongkat_netra",
        "kakipalsu": "prostesis",
        "tanganpalsu": "prostesis",
        "prostesis": "prostesis",
    },
    DtksStatus: {
        "ya": "terdaftar",
        "dtks": "terdaftar",
        "dtsen": "terdaftar",
        "tidak": "tidak_terdaftar",
        "bukan": "tidak_terdaftar",
        "belum": "tidak_terdaftar",
        "usulan": "diusulkan",
        "diusulkan": "diusulkan",
    },
    Program: {"sembako": "bpnt", "pbi": "pbi_jk", "kis": "pbi_jk", "blt": "blt_dd", "bltdesa": "blt_dd"},
}
# Relationships are often written with a suffix ("Anak ke-2", "Istri kedua"): a known word at the
# start is enough. Only there: elsewhere a prefix could pick a wrong choice.
PREFIX_MATCH = {Relationship}


@cache
def choice_map(choices) -> dict[str, str]:
    """key(word) → choice value, from the values, both languages' labels and the aliases."""
    mapping = {}
    for language in ("en", "id"):
        with translation.override(language):
            for value, label in choices.choices:
                mapping[key(label)] = value
    for value in choices.values:
        mapping[key(value)] = value
    mapping.update(ALIASES.get(choices, {}))
    return mapping


def read_choice(choices, raw) -> str:
    mapping = choice_map(choices)
    k = key(raw)
    if k in mapping:
        return mapping[k]
    if choices in PREFIX_MATCH:
        starts = [word for word in mapping if len(word) >= 3 and k.startswith(word)]
        if starts:
            return mapping[max(starts, key=len)]
    raise CellError(
        gettext_noop("“%(value)s” is not one of: %(choices)s."), value=str(raw), choices=", ".join(choices.values)
    )


def cell_text(raw) -> str:
    """A cell as text to write back into a file people correct and import again: an XLSX date as
    dd/mm/yyyy, a whole number without ".0"."""
    if isinstance(raw, datetime.datetime | datetime.date):
        return raw.strftime("%d/%m/%Y")
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return "" if raw is None else str(raw)


def split_list(raw) -> list[str]:
    """Items of a list cell, separated by commas or semicolons."""
    return [item.strip() for item in re.split(r"[;,]", str(raw)) if item.strip()]


def read_choice_list(choices, raw) -> list[str]:
    return list(dict.fromkeys(read_choice(choices, item) for item in split_list(raw)))


# --- Other values ------------------------------------------------------------------------------
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")


def read_date(raw) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = str(raw)
    if len(text) == 10 and text[2] == "/" and text[5] == "/":  # the usual dd/mm/yyyy, fast
        parts = (text[6:], text[3:5], text[:2])
    elif m := _DMY.match(text):
        parts = (m[3], m[2], m[1])
    elif m := _ISO.match(text):
        parts = (m[1], m[2], m[3])
    else:
        raise CellError(gettext_noop("“%(value)s” is not a date as dd/mm/yyyy or yyyy-mm-dd."), value=text)
    try:
        return datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise CellError(gettext_noop("“%(value)s” is not a real date."), value=text) from None


_YES = {"ya", "y", "yes", "true", "1", "benar"}
_NO = {"tidak", "t", "no", "n", "false", "0", "bukan", "tdk"}


def read_bool(raw) -> bool:
    k = key(raw)
    if k in _YES:
        return True
    if k in _NO:
        return False
    raise CellError(gettext_noop("“%(value)s” is not ya or tidak."), value=str(raw))


def read_int(raw, low: int, high: int) -> int:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise CellError(gettext_noop("“%(value)s” is not a whole number."), value=str(raw)) from None
    if not low <= value <= high:
        raise CellError(gettext_noop("%(value)s is not between %(low)d and %(high)d."), value=value, low=low, high=high)
    return value


def read_digits(raw, max_length: int) -> str:
    """RT/RW: digits, zero-padded to ``max_length`` (Excel drops the zeros of 002)."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    digits = text.lstrip("0") or "0"
    if not text.isdigit() or len(digits) > max_length:
        raise CellError(gettext_noop("“%(value)s” must be a number of at most %(n)d digits."), value=text, n=max_length)
    return digits.zfill(max_length)


_REGION_DIGITS = re.compile(r"^\d{10}$")


def read_region_code(raw) -> str:
    """35.76.02.1010 as written, or the same ten digits without dots (Excel keeps those)."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    if _REGION_DIGITS.match(text):
        return f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
    return text


_PROGRAM_ITEM = re.compile(r"^(.*?)[\s\-/]*((?:19|20|21)\d{2})$")


def read_programs(raw) -> list[tuple[str, int]]:
    """“PKH 2025; BPNT 2024” → [("pkh", 2025), ("bpnt", 2024)]: each item needs its year."""
    found = []
    for item in split_list(raw):
        m = _PROGRAM_ITEM.match(item)
        if not m or not m[1].strip():
            raise CellError(gettext_noop("“%(item)s”: write a programme and its year, e.g. PKH 2025."), item=item)
        year = int(m[2])
        if not 2000 <= year <= 2100:
            raise CellError(gettext_noop("“%(item)s”: the year must be between 2000 and 2100."), item=item)
        found.append((read_choice(Program, m[1].strip()), year))
    return list(dict.fromkeys(found))


class PpksLookup:
    """PPKS categories by number (1–26) or name, loosely: “Fakir Miskin”, “ODHA”, “lanjut usia terlantar”."""

    def __init__(self, categories: list[tuple[int, int, str]]):  # (id, code, name)
        self.by_key = {}
        for pk, code, name in categories:
            self.by_key[str(code)] = pk
            self.by_key[key(name)] = pk
            short = re.sub(r"\s*\(.*?\)\s*", " ", name).strip()
            self.by_key.setdefault(key(short), pk)
            for abbreviation in re.findall(r"\(([^)]+)\)", name):
                self.by_key.setdefault(key(abbreviation), pk)

    def read(self, raw) -> list[int]:
        found = []
        for item in split_list(raw):
            k = key(item)
            if k not in self.by_key:
                raise CellError(gettext_noop("“%(item)s” is not a PPKS category number (1–26) or name."), item=item)
            found.append(self.by_key[k])
        return list(dict.fromkeys(found))


def normalise_name(name: str) -> str:
    """For matching people without a NIK: upper case, single spaces, no dots or apostrophes."""
    return " ".join(re.sub(r"[.,'`’]", " ", name).upper().split())
