"""Checking one row on its own: every cell read into a model value, with the same rules a person
saved through the forms obeys (``services._person_rules``): NIK and KK cleaning, a kelurahan/desa
(``services._check_village``) inside the user's scope, choices and lengths taken from the models.
What needs the rest of the file or the registry (required fields of a new person, duplicates,
matching, NIK disagreements with the stored record) is done in planning.py.

The reference data (regions, PPKS categories) is loaded once per file, and a value read once is
not read again (the same "Kepala Keluarga" or region code appears on thousands of rows).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_noop

from onegate.regions.models import Region, code_within

from .. import services
from ..models import (
    AssistiveDevice,
    DisabilityCause,
    DisabilityType,
    DtksStatus,
    Education,
    Household,
    MaritalStatus,
    Person,
    PpksCategory,
    Relationship,
    Religion,
    Severity,
    Sex,
)
from ..nik import CLEANING_MESSAGES, clean_number
from . import columns as c
from .columns import CellError
from .problems import message

# Where a column's value goes: the person, the row's household, the two profiles, or the row itself.
PERSON, HOUSEHOLD, DISABILITY, WELFARE, ROW = range(5)


@dataclass(slots=True)
class CheckedRow:
    """One row read into model values. Only the cells the row fills are present: an empty cell
    never erases a stored value."""

    line: int
    person: dict  # Person attname → value
    kk: str | None = None
    household: dict | None = None  # address, rt, rw, region_id of the row's KK
    disability: dict = field(default_factory=dict)
    welfare: dict = field(default_factory=dict)
    programs: list = field(default_factory=list)  # [(program, year)]
    ppks: list = field(default_factory=list)  # [PpksCategory id]
    errors: list = field(default_factory=list)  # [(column, stored message)] (problems.message)
    notices: list = field(default_factory=list)  # [(column, stored message)]: a value cleaned, …
    nik_as_typed: str = ""  # the NIK cell when it could not be read, to name the row by

    @property
    def nik(self) -> str:
        return self.person.get("nik") or self.nik_as_typed

    @property
    def name(self) -> str:
        return self.person.get("full_name", "")


def _text(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return raw if isinstance(raw, str) else str(raw)


class _Remembered:
    """A reader whose answers (errors too) are kept by raw cell value: the same "Kepala Keluarga"
    or region code appears on thousands of rows. ``check`` looks into ``answers`` itself."""

    __slots__ = ("answers", "read")

    def __init__(self, read):
        self.read = read
        self.answers = {}  # raw → (value, error message or None)

    def answer(self, raw):
        try:
            result = (self.read(raw), None)
        except CellError as exc:
            result = (None, exc.stored)
        self.answers[raw] = result
        return result


class _Text:
    """A free-text reader: at most ``limit`` characters. ``check`` reads text cells itself (they
    are most cells); this reads the others (numbers from XLSX) and the cells that are too long."""

    __slots__ = ("limit",)

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, raw) -> str:
        value = _text(raw).strip()
        if len(value) > self.limit:
            raise CellError(gettext_noop("At most %(n)d characters (this has %(m)d)."), n=self.limit, m=len(value))
        return value


class _Number:
    """The reader of a NIK or KK number (RowChecker._read_number), named by ``label``."""

    __slots__ = ("label",)

    def __init__(self, label):
        self.label = label


class RowChecker:
    def __init__(self, *, user, positions: dict[str, int]):
        self.scope = user.region_id
        self.scope_name = str(user.region.name) if user.region_id else ""
        self.regions = {r.code: r for r in Region.objects.all()}
        self.ppks = c.PpksLookup(list(PpksCategory.objects.values_list("id", "code", "name")))
        # An officer's file may leave kode_wilayah out: their own kelurahan, as in the entry form.
        self.default_region = user.region_id if user.region_id and user.region.is_village else None
        address_limit = min(
            Household._meta.get_field("address").max_length, Person._meta.get_field("domicile_address").max_length
        )
        rt_digits = Household._meta.get_field("rt").max_length

        def text(attname, limit=None):
            return _Text(limit or Person._meta.get_field(attname).max_length)

        def choice(choices):
            return _Remembered(lambda raw: c.read_choice(choices, _text(raw)))

        def choice_list(choices):
            return _Remembered(lambda raw: c.read_choice_list(choices, _text(raw)))

        readers = {
            "nik": (PERSON, "nik", _Number("NIK")),
            "no_kk": (ROW, "kk", _Number(message(gettext_noop("KK number")))),
            "nama": (PERSON, "full_name", text("full_name")),
            "jenis_kelamin": (PERSON, "sex", choice(Sex)),
            "tempat_lahir": (PERSON, "birth_place", text("birth_place")),
            "tanggal_lahir": (PERSON, "birth_date", _Remembered(c.read_date)),
            "hubungan_keluarga": (PERSON, "relationship", choice(Relationship)),
            "alamat": (ROW, "address", text("", address_limit)),
            "rt": (HOUSEHOLD, "rt", _Remembered(lambda raw: c.read_digits(raw, rt_digits))),
            "rw": (HOUSEHOLD, "rw", _Remembered(lambda raw: c.read_digits(raw, rt_digits))),
            "kode_wilayah": (PERSON, "region_id", _Remembered(self.read_region)),
            "agama": (PERSON, "religion", choice(Religion)),
            "status_perkawinan": (PERSON, "marital_status", choice(MaritalStatus)),
            "pendidikan": (PERSON, "education", choice(Education)),
            "pekerjaan": (PERSON, "occupation", text("occupation")),
            "nama_ibu": (PERSON, "mother_name", text("mother_name")),
            "telepon": (PERSON, "phone", text("phone")),
            "jenis_disabilitas": (DISABILITY, "types", choice_list(DisabilityType)),
            "tingkat_disabilitas": (DISABILITY, "severity", choice(Severity)),
            "penyebab_disabilitas": (DISABILITY, "cause", choice(DisabilityCause)),
            "alat_bantu": (DISABILITY, "devices_needed", choice_list(AssistiveDevice)),
            "status_dtks": (WELFARE, "dtks_status", choice(DtksStatus)),
            "desil": (WELFARE, "decile", _Remembered(lambda raw: c.read_int(raw, 1, 10))),
            "rtlh": (WELFARE, "uninhabitable_house", _Remembered(c.read_bool)),
            "program": (ROW, "programs", _Remembered(lambda raw: c.read_programs(_text(raw)))),
            "ppks": (ROW, "ppks", _Remembered(lambda raw: self.ppks.read(_text(raw)))),
        }
        assert readers.keys() == set(c.COLUMN_NAMES), "every template column needs a reader"
        # (column, position, where, name, read) for the columns this file has, in template order.
        self.readers = [
            (column, positions[column], *readers[column]) for column in c.COLUMN_NAMES if column in positions
        ]

    # --- Readers needing the reference data ---
    def read_region(self, raw) -> str:
        code = c.read_region_code(raw)
        region = self.regions.get(code)
        if region is None:
            raise CellError(gettext_noop("Unknown region code “%(code)s”."), code=code)
        try:
            services._check_village(region)
        except ValidationError:
            raise CellError(gettext_noop("Choose a kelurahan or desa.")) from None
        if self.scope and not code_within(code, self.scope):
            raise CellError(
                gettext_noop("Outside your area: you may only import people of %(scope)s."), scope=self.scope_name
            )
        return code

    @staticmethod
    def _number(raw, label) -> str:
        """A NIK or KK number (``label``: "NIK" or a stored message), cleaned as the forms clean it."""
        if not isinstance(raw, str):  # a number cell in XLSX: Excel keeps 15 significant digits only
            raise CellError(
                gettext_noop(
                    "%(label)s is stored as a number: Excel keeps only 15 digits. Format the column as Text and type it again."
                ),
                label=label,
            )
        try:
            return clean_number(raw, label="")
        except ValidationError as exc:
            raise CellError(CLEANING_MESSAGES[exc.code], **{**exc.params, "label": label}) from None

    def _read_number(self, notices, column, raw, label):
        """The cleaned number, with a notice when cleaning changed what was typed."""
        if raw.__class__ is str and len(raw) == 16 and raw.isascii() and raw.isdigit():
            return raw  # what clean_number returns for it, without its regular expressions
        number = self._number(raw, label)
        if number is not None:
            notices.append(
                (
                    column,
                    message(
                        gettext_noop(
                            "%(label)s “%(typed)s” was read as %(number)s (apostrophe, spaces, dots or dashes removed)."
                        ),
                        label=label,
                        typed=raw,
                        number=number,
                    ),
                )
            )
        return number

    # --- One row ---
    def check(self, line: int, cells: list) -> CheckedRow:
        parts = ({}, {}, {}, {}, {})
        errors, notices, nik_as_typed = [], [], ""
        for column, position, where, name, read in self.readers:
            raw = cells[position]
            if raw.__class__ is str:
                if not raw or not (raw := raw.strip()):
                    continue
                if read.__class__ is _Text and len(raw) <= read.limit:
                    parts[where][name] = raw
                    continue
            elif raw is None:
                continue
            if read.__class__ is _Remembered:
                value, error = read.answers.get(raw) or read.answer(raw)
                if error is not None:
                    errors.append((column, error))
                else:
                    parts[where][name] = list(value) if value.__class__ is list else value
                continue
            try:
                if read.__class__ is _Number:
                    parts[where][name] = self._read_number(notices, column, raw, read.label)
                else:
                    parts[where][name] = read(raw)
            except CellError as exc:
                errors.append((column, exc.stored))
                if column == "nik":
                    nik_as_typed = str(raw)
        person, household, disability, welfare, extra = parts
        if self.default_region and "region_id" not in person and not any(e[0] == "kode_wilayah" for e in errors):
            person["region_id"] = self.default_region
        row = CheckedRow(
            line,
            person,
            extra.get("kk"),
            None,
            disability,
            welfare,
            extra.get("programs", []),
            extra.get("ppks", []),
            errors,
            notices,
            nik_as_typed,
        )
        address = extra.get("address")
        if row.kk:
            if address is not None:
                household["address"] = address
            if "region_id" in person:
                household["region_id"] = person["region_id"]
            row.household = household
        elif address is not None:
            person["domicile_address"] = address
        return row
