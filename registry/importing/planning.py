"""From checked rows to a plan: which rows are new, changed, unchanged or invalid, and exactly what
to write. Nothing is written here; preview and apply run the same planning.

Matching (documented in docs/import.md):
- a row with a NIK is the person with that NIK; if nobody has it, the person of the same household
  (no_kk), normalised name and birth date who has no NIK yet (the NIK is added);
- a row without a NIK is the person of the same household (no_kk), normalised name and birth date;
  without no_kk, the person without a household in the same kelurahan with that name and birth date;
- a household is matched by no_kk.

Only people and households the user may change are read in full (``scoping.restrict``). For the
rest the planner learns only that a NIK or KK number exists ("registered elsewhere"), nothing else.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_noop

from onegate import scoping
from onegate.copying import array_of

from ..models import (
    DisabilityProfile,
    Household,
    Person,
    PersonPpks,
    ProgramReceipt,
    Relationship,
    VerificationStatus,
    WelfareProfile,
    household_label,
)
from ..nik import nik_disagreement_messages
from .checking import CheckedRow
from .columns import normalise_name
from .problems import message

CHUNK = 20_000
PERSON_FIELDS = (
    "nik", "full_name", "sex", "birth_place", "birth_date", "religion", "marital_status", "education", "occupation",
    "phone", "mother_name", "household_id", "relationship", "region_id", "domicile_address", "needs_civil_documents",
    "nik_mismatch_confirmed", "status", "verified_by_id", "verified_at",
)  # fmt: skip
ROW_VERSION = "row_version"  # what _versioned reads
PERSON_READ = ("id", *PERSON_FIELDS, "merged_into_id", ROW_VERSION)
HOUSEHOLD_FIELDS = ("kk_number", "address", "rt", "rw", "region_id", "status", "verified_by_id", "verified_at")
DISABILITY_FIELDS = ("types", "severity", "cause", "devices_needed")
WELFARE_FIELDS = ("dtks_status", "decile", "uninhabitable_house")
# Which template column to blame when a household field disagrees.
HOUSEHOLD_COLUMN = {"address": "alamat", "rt": "rt", "rw": "rw", "region_id": "kode_wilayah"}


def _any(model, column: str, values: list) -> RawSQL:
    """``column = ANY(array)``: one parameter however many values (an IN list of thousands of
    parameters costs more to build than to run)."""
    quote = connection.ops.quote_name
    array, param = array_of(values)
    return RawSQL(
        f"{quote(model._meta.db_table)}.{quote(column)} = ANY({array})", (param,), output_field=BooleanField()
    )


def version_of(table: str) -> str:
    """SQL for the version of a row: every update writes a new version of the row at another place
    (ctid), with the updating transaction's id (xmin); the two together never come back."""
    return f"{table}.xmin::text || {table}.ctid::text"


def _versioned(queryset):
    """The queryset with each row's version, to tell later whether the row changed since."""
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    return queryset.annotate(**{ROW_VERSION: RawSQL(version_of(table), ())})


def _rows(queryset, fields) -> list[tuple]:
    """``queryset.values_list(*fields)`` fetched as plain tuples, without the ORM's per-row work."""
    try:
        sql, params = queryset.values_list(*fields).query.sql_with_params()
    except EmptyResultSet:  # e.g. queryset.none(), or an empty __in
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _defaults(model, names) -> dict:
    """The fields' defaults, choices as their plain values (as read from the database)."""
    defaults = {name: model._meta.get_field(name.removesuffix("_id")).get_default() for name in names}
    return {name: value.value if isinstance(value, Enum) else value for name, value in defaults.items()}


@dataclass(slots=True, eq=False)
class Write:
    """One record to create (``id`` None) or update, with its audit changes {field: [old, new]}."""

    id: int | None
    values: dict
    changes: dict = field(default_factory=dict)
    label: str = ""  # how the audit trail names the record
    seen: str | None = None  # the version of the stored record read, checked again under lock before writing
    line: int | None = None  # the file's row it comes from (a household's: its first row), to report a conflict

    def __reduce__(self):  # pickled with the plan: faster than the dataclass's own __getstate__
        return Write, (self.id, self.values, self.changes, self.label, self.seen, self.line)


@dataclass(slots=True, eq=False)
class PersonWrite(Write):
    new_household: str | None = None  # KK number of a household created by this import
    disability: Write | None = None
    welfare: Write | None = None
    programs: list = field(default_factory=list)  # [(program, year)] to add
    ppks: list = field(default_factory=list)  # [category id] to add

    def __reduce__(self):
        return PersonWrite, (
            self.id,
            self.values,
            self.changes,
            self.label,
            self.seen,
            self.line,
            self.new_household,
            self.disability,
            self.welfare,
            self.programs,
            self.ppks,
        )


@dataclass
class Plan:
    total: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list = field(
        default_factory=list
    )  # [(line, column, message, nik, name)], by line; messages stored untranslated
    warnings: list = field(default_factory=list)  # [(line, column, message, nik, name)]: NIK disagreements
    notices: list = field(default_factory=list)  # [(line, column, message, nik, name)]: values cleaned, rows repeated
    # [(line, column, message, nik, name)]: records edited after the preview, left as they are (rechecking.py)
    conflicts: list = field(default_factory=list)
    warning_lines: set = field(default_factory=set)
    households: dict = field(default_factory=dict)  # KK number → Write (new or changed)
    people: list = field(default_factory=list)  # [PersonWrite] new or changed
    # What the plan relies on besides the records it changes, checked again before it is written
    # later (rechecking.py): the households it adds or changes members of without changing them…
    member_households: list = field(default_factory=list)  # [Write] without changes
    # …and the people a row matched by name could be: {(place, name, birth date): candidate ids}
    # for the written rows matched by name, with where to look for them again.
    name_candidates: dict = field(default_factory=dict)
    name_places: tuple = field(default_factory=lambda: ({}, set()))  # ({household id: KK}, {(region, birth date)})
    scope: tuple = ()  # the user's scope the plan was made in (scope_of)
    nik_warnings_confirmed: bool = False
    made_at: datetime.datetime | None = None  # when the records were read

    @property
    def invalid(self) -> int:
        return len({problem[0] for problem in self.errors})


class Planner:
    def __init__(self, *, user, nik_warnings_confirmed: bool):
        """``nik_warnings_confirmed``: the uploader ticked "I checked these NIKs". In the preview
        it is True (rows are counted as they would be imported once confirmed)."""
        self.user = user
        self.confirmed = nik_warnings_confirmed
        self.person_defaults = _defaults(Person, PERSON_FIELDS)
        self.household_defaults = _defaults(Household, HOUSEHOLD_FIELDS)

    def plan(self, rows: Iterable[CheckedRow]) -> Plan:
        plan = Plan(scope=scope_of(self.user), nik_warnings_confirmed=self.confirmed, made_at=timezone.now())
        invalid: dict[int, CheckedRow] = {}
        valid, self.noticed, self.repeats = [], [], []
        for row in rows:
            plan.total += 1
            if row.errors:
                invalid[row.line] = row
            else:
                valid.append(row)
                if row.notices:
                    self.noticed.append(row)
        valid = self._file_duplicates(valid, invalid, plan)
        valid = self._household_consistency(valid, invalid)
        self._load(valid)
        valid = self._match(valid, invalid)
        writes = self._compare(valid, invalid, plan)
        valid = self._households(valid, invalid, writes, plan)
        self.member_kks = set()
        for row in valid:
            write = writes[row.line]
            if write is None:
                if row.kk in plan.households and plan.households[row.kk].id is not None:
                    plan.changed += 1
                else:
                    plan.unchanged += 1
                continue
            plan.people.append(write)
            if write.id is None:
                plan.new += 1
            else:
                plan.changed += 1
            self._note_reliance(row, write, plan)
        for row, original in self.repeats:
            if original.line in invalid:  # not imported after all
                plan.unchanged -= 1
                self._reject(
                    row,
                    invalid,
                    "nik",
                    message(gettext_noop("The same as row %(line)d, which is invalid."), line=original.line),
                )
        plan.errors = sorted(
            (_problem(row, column, text) for row in invalid.values() for column, text in row.errors), key=_by_line
        )
        plan.warnings = [w for w in plan.warnings if w[0] not in invalid]
        plan.warning_lines = {w[0] for w in plan.warnings}
        plan.notices = sorted(
            (
                _problem(row, column, text)
                for row in self.noticed
                if row.line not in invalid
                for column, text in row.notices
            ),
            key=_by_line,
        )
        return plan

    # --- Within the file ---------------------------------------------------------------------
    @staticmethod
    def _reject(row, invalid, column, message):
        row.errors.append((column, message))
        invalid[row.line] = row

    def _file_duplicates(self, valid, invalid, plan):
        """Rows for the same person: the second of two identical rows with one NIK is left out
        with a notice (counted unchanged: it changes nothing the first does not); different rows
        with one NIK, or for one person without NIK, are all invalid, each naming the others."""
        first, twice = {}, {}  # NIK or name key → its first row; → all its rows, for keys on several rows
        for row in valid:
            p = row.person
            if p.get("nik"):
                k = p["nik"]
            elif "full_name" not in p:
                self._reject(
                    row,
                    invalid,
                    "nama",
                    message(
                        gettext_noop(
                            "Empty: a person without a NIK is found by name, date of birth and KK or kelurahan."
                        )
                    ),
                )
                continue
            else:
                k = ("name", row.kk or p.get("region_id"), normalise_name(p["full_name"]), p.get("birth_date"))
            if (earlier := first.setdefault(k, row)) is not row:
                twice.setdefault(k, [earlier]).append(row)
        repeated = set()
        for k, rows in twice.items():
            if isinstance(k, str) and all(_same_content(rows[0], row) for row in rows[1:]):
                for row in rows[1:]:
                    repeated.add(row.line)
                    self.repeats.append((row, rows[0]))
                    row.notices.append(
                        ("nik", message(gettext_noop("The same as row %(line)d: imported once."), line=rows[0].line))
                    )
                    self.noticed.append(row)
                    plan.unchanged += 1
                continue
            lines = ", ".join(f"{r.line} ({r.name})" if r.name else str(r.line) for r in rows)
            for row in rows:
                if isinstance(k, str):  # a NIK
                    self._reject(
                        row, invalid, "nik", message(gettext_noop("The same NIK is on rows %(lines)s."), lines=lines)
                    )
                else:
                    self._reject(
                        row,
                        invalid,
                        "nama",
                        message(
                            gettext_noop("The same person (name, date of birth, KK) is on rows %(lines)s."), lines=lines
                        ),
                    )
        return [r for r in valid if r.line not in invalid and r.line not in repeated]

    def _household_consistency(self, valid, invalid):
        first: dict[str, tuple[int, dict]] = {}
        heads: dict[str, int] = {}
        for row in valid:
            if not row.kk:
                continue
            if row.kk not in first:
                first[row.kk] = (row.line, dict(row.household))
            elif not row.household.items() <= first[row.kk][1].items():  # something new or different
                line, values = first[row.kk]
                for name, value in row.household.items():
                    if values.setdefault(name, value) != value:
                        self._reject(
                            row,
                            invalid,
                            HOUSEHOLD_COLUMN[name],
                            message(
                                gettext_noop("Differs from row %(line)d of the same KK (%(value)s)."),
                                line=line,
                                value=values[name],
                            ),
                        )
            if row.person.get("relationship") == Relationship.HEAD:
                if row.kk in heads:
                    self._reject(
                        row,
                        invalid,
                        "hubungan_keluarga",
                        message(
                            gettext_noop("A second head of family for this KK (row %(line)d is the first)."),
                            line=heads[row.kk],
                        ),
                    )
                else:
                    heads[row.kk] = row.line
        return [r for r in valid if r.line not in invalid]

    # --- The database -----------------------------------------------------------------------
    def _scoped(self, queryset):
        return scoping.restrict(queryset, self.user, scoping.CHANGE)

    def _load(self, valid):
        niks = [row.person["nik"] for row in valid if row.person.get("nik")]
        kks = list({row.kk for row in valid if row.kk})
        self.people_by_nik = self._read(Person, "nik", niks, PERSON_READ)
        self.nik_elsewhere = self._elsewhere(Person, "nik", niks, self.people_by_nik)
        household_fields = ("id", *HOUSEHOLD_FIELDS, ROW_VERSION)
        self.households_by_kk = self._read(Household, "kk_number", kks, household_fields)
        self.kk_elsewhere = self._elsewhere(Household, "kk_number", kks, self.households_by_kk)

        unknown = [row for row in valid if not row.person.get("nik") or row.person["nik"] not in self.people_by_nik]
        self.by_name = self.name_candidates(*self._name_places(unknown))

    def _read(self, model, column: str, numbers: list, fields: tuple) -> dict[str, dict]:
        """The records with these numbers that the user may change, by number (``fields[1]``)."""
        found = {}
        for chunk in _chunks(numbers):
            for values in _rows(_versioned(self._scoped(model.objects.filter(_any(model, column, chunk)))), fields):
                found[values[1]] = dict(zip(fields, values, strict=True))
        return found

    @staticmethod
    def _elsewhere(model, column: str, numbers: list, found: dict) -> set[str]:
        """The other numbers that are registered: outside the scope only their existence is read."""
        rest = [number for number in numbers if number not in found]
        return {
            number
            for chunk in _chunks(rest)
            for (number,) in _rows(model.objects.filter(_any(model, column, chunk)), [column])
        }

    def _name_places(self, rows) -> tuple[dict, set]:
        """Where the people of rows without a (known) NIK are looked for: among the members of
        their registered households ({household id: KK}), and among the people without a household
        in their kelurahan, by birth date ({(region, birth date)})."""
        households = {self.households_by_kk[row.kk]["id"]: row.kk for row in rows if row.kk in self.households_by_kk}
        loose = {(row.person.get("region_id"), row.person.get("birth_date")) for row in rows if not row.kk}
        return households, loose

    def name_candidates(self, households: dict, loose: set) -> dict:
        """The people found there, by (KK or region, normalised name, birth date)."""
        by_name = defaultdict(list)
        for chunk in _chunks(list(households)):
            for values in _rows(
                _versioned(self._scoped(Person.objects.filter(_any(Person, "household_id", chunk)))), PERSON_READ
            ):
                person = dict(zip(PERSON_READ, values, strict=True))
                by_name[
                    (households[person["household_id"]], normalise_name(person["full_name"]), person["birth_date"])
                ].append(person)
        if loose:
            dates = {date for _, date in loose}
            candidates = self._scoped(
                Person.objects.filter(household__isnull=True, region_id__in={region for region, _ in loose} - {None})
            )
            if None not in dates:
                candidates = candidates.filter(birth_date__in=dates)
            for values in _rows(_versioned(candidates), PERSON_READ):
                person = dict(zip(PERSON_READ, values, strict=True))
                by_name[(person["region_id"], normalise_name(person["full_name"]), person["birth_date"])].append(person)
        return by_name

    def _load_profiles(self, valid):
        """The profiles, programmes and PPKS records of the matched people whose rows fill them."""
        disability, welfare, programs, ppks = [], [], [], []
        for row in valid:
            if person := self.matches[row.line]:
                for cells, ids in (
                    (row.disability, disability),
                    (row.welfare, welfare),
                    (row.programs, programs),
                    (row.ppks, ppks),
                ):
                    if cells:
                        ids.append(person["id"])
        self.disability = {
            person_id: {"id": pk, **dict(zip((*DISABILITY_FIELDS, ROW_VERSION), values, strict=True))}
            for pk, person_id, *values in self._of_people(
                DisabilityProfile, disability, ("id", "person_id", *DISABILITY_FIELDS, ROW_VERSION)
            )
        }
        self.welfare = {
            person_id: {"id": pk, **dict(zip((*WELFARE_FIELDS, ROW_VERSION), values, strict=True))}
            for pk, person_id, *values in self._of_people(
                WelfareProfile, welfare, ("id", "person_id", *WELFARE_FIELDS, ROW_VERSION)
            )
        }
        self.programs, self.ppks = defaultdict(set), defaultdict(set)
        for person_id, program, year in self._of_people(ProgramReceipt, programs, ("person_id", "program", "year")):
            self.programs[person_id].add((program, year))
        for person_id, category_id in self._of_people(PersonPpks, ppks, ("person_id", "category_id")):
            self.ppks[person_id].add(category_id)

    def _of_people(self, model, person_ids: list, fields: tuple):
        for chunk in _chunks(person_ids):
            yield from _rows(_versioned(self._scoped(model.objects.filter(_any(model, "person_id", chunk)))), fields)

    # --- Matching ----------------------------------------------------------------------------
    def _match(self, valid, invalid):
        self.matches: dict[int, dict | None] = {}
        self.name_keys: dict[int, tuple] = {}  # line → the name key of a row matched by name
        matched_by: dict[int, CheckedRow] = {}
        for row in valid:
            p = row.person
            if row.kk in self.kk_elsewhere:
                self._reject(
                    row,
                    invalid,
                    "no_kk",
                    message(gettext_noop("KK number already registered elsewhere; contact Dinsos.")),
                )
                continue
            household = self.households_by_kk.get(row.kk)
            if household and p.get("region_id", household["region_id"]) != household["region_id"]:
                self._reject(
                    row,
                    invalid,
                    "kode_wilayah",
                    message(
                        gettext_noop(
                            "This KK is registered in another kelurahan (%(code)s); move the household on its own page."
                        ),
                        code=household["region_id"],
                    ),
                )
                continue
            nik = p.get("nik")
            if nik and nik in self.people_by_nik:
                person = self.people_by_nik[nik]
            elif nik and nik in self.nik_elsewhere:
                self._reject(
                    row, invalid, "nik", message(gettext_noop("NIK already registered elsewhere; contact Dinsos."))
                )
                continue
            elif "full_name" not in p:
                person = None  # a new NIK without a name: refused below as a new person without one
            elif row.kk and row.kk not in self.households_by_kk:
                person = None  # a new household has no members yet
            else:
                key = self.name_keys[row.line] = (
                    row.kk or p.get("region_id"),
                    normalise_name(p["full_name"]),
                    p.get("birth_date"),
                )
                candidates = self.by_name.get(key, [])
                if nik:
                    candidates = [c for c in candidates if not c["nik"]]
                if len(candidates) > 1:
                    self._reject(
                        row,
                        invalid,
                        "nama",
                        message(
                            gettext_noop(
                                "Matches %(n)d registered people with this name and date of birth; add the NIK."
                            ),
                            n=len(candidates),
                        ),
                    )
                    continue
                person = candidates[0] if candidates else None
            if person is not None:
                if person["merged_into_id"]:
                    self._reject(
                        row,
                        invalid,
                        "nik",
                        message(gettext_noop("This record was merged into another one; update that one.")),
                    )
                    continue
                if person["id"] in matched_by:
                    self._reject(
                        row,
                        invalid,
                        "nama",
                        message(
                            gettext_noop("The same registered person as row %(line)d."),
                            line=matched_by[person["id"]].line,
                        ),
                    )
                    continue
                matched_by[person["id"]] = row
            self.matches[row.line] = person
        valid = [r for r in valid if r.line not in invalid]
        self._load_profiles(valid)
        return valid

    # --- Comparing ---------------------------------------------------------------------------
    def _compare(self, valid, invalid, plan) -> dict[int, PersonWrite | None]:
        """For each row: the person to create or change (None: nothing to write for the person)."""
        writes = {}
        for row in valid:
            old = self.matches[row.line]
            new = dict(self.person_defaults) if old is None else dict(old)
            new.update(row.person)
            if old is None:
                missing = [column for column, name in _NEW_PERSON_NEEDS if not new.get(name)]
                for column in missing:
                    self._reject(row, invalid, column, message(gettext_noop("Empty: required for a new person.")))
                if missing:
                    continue
            if row.kk:
                household = self.households_by_kk.get(row.kk)
                new["household_id"] = household["id"] if household else ("new", row.kk)
                if household:
                    new["region_id"] = household["region_id"]  # members live at the household's kelurahan
            elif old and old["household_id"] and old["region_id"] != new["region_id"]:
                self._reject(
                    row,
                    invalid,
                    "kode_wilayah",
                    message(
                        gettext_noop(
                            "This person is a member of a household in another kelurahan: fill in no_kk, or change the person on their page."
                        )
                    ),
                )
                continue
            if not new["nik"]:
                new["needs_civil_documents"] = True
            # The same rule as services._person_rules: a disagreement confirmed once stays confirmed
            # while the NIK stays the same.
            already = old is not None and old["nik"] == new["nik"] and old["nik_mismatch_confirmed"]
            problems = (
                nik_disagreement_messages(
                    new["nik"], sex=new["sex"], birth_date=new["birth_date"], region_code=new["region_id"]
                )
                if new["nik"]
                else {}
            )
            if problems and not already:
                if not self.confirmed:
                    self._reject(
                        row,
                        invalid,
                        "nik",
                        message(gettext_noop("The NIK disagrees with the row and this was not confirmed as checked.")),
                    )
                    continue
                for name, (msgid, params) in problems.items():
                    plan.warnings.append(_problem(row, _WARNING_COLUMN.get(name, "nik"), message(msgid, **params)))
            new["nik_mismatch_confirmed"] = bool(problems)
            write = PersonWrite(
                id=None if old is None else old["id"],
                values=new,
                seen=None if old is None else old[ROW_VERSION],
                line=row.line,
            )
            if isinstance(new["household_id"], tuple):
                write.new_household = row.kk
            if not self._profiles(row, old, write, invalid):
                continue
            if old is None:
                new.pop("id", None)
                new.pop("merged_into_id", None)
                writes[row.line] = write
                continue
            if new != old:  # the same keys
                write.changes = {name: [old[name], new[name]] for name in PERSON_FIELDS if old[name] != new[name]}
            touched = write.changes or write.disability or write.welfare or write.programs or write.ppks
            if touched and old["status"] == VerificationStatus.VERIFIED:
                _back_to_verification(old, new, write.changes)
            writes[row.line] = write if touched else None
        return writes

    def _profiles(self, row, old, write: PersonWrite, invalid) -> bool:
        """The person's profile changes onto ``write``; False (and the row rejected) when a new
        profile lacks what it needs."""
        person_id = old["id"] if old else None
        if row.disability:
            existing = self.disability.get(person_id) if person_id else None
            if existing is None:
                missing = [
                    col
                    for col, name in (("jenis_disabilitas", "types"), ("tingkat_disabilitas", "severity"))
                    if name not in row.disability
                ]
                if missing:
                    for col in missing:
                        self._reject(
                            row,
                            invalid,
                            col,
                            message(
                                gettext_noop(
                                    "A new disability record needs both jenis_disabilitas and tingkat_disabilitas."
                                )
                            ),
                        )
                    return False
                write.disability = Write(
                    None, {"types": [], "severity": "", "cause": "", "devices_needed": [], **row.disability}
                )
            else:
                changes = {}
                for name, value in row.disability.items():
                    before = existing[name]
                    if (set(before) != set(value)) if isinstance(value, list) else before != value:
                        changes[name] = [before, value]
                if changes:
                    write.disability = Write(
                        existing["id"],
                        {**{n: existing[n] for n in DISABILITY_FIELDS}, **row.disability},
                        changes,
                        seen=existing[ROW_VERSION],
                    )
        if row.welfare:
            existing = self.welfare.get(person_id) if person_id else None
            if existing is None:
                if "dtks_status" not in row.welfare:
                    self._reject(
                        row, invalid, "status_dtks", message(gettext_noop("A new welfare record needs status_dtks."))
                    )
                    return False
                write.welfare = Write(None, {"decile": None, "uninhabitable_house": False, **row.welfare})
            else:
                changes = {n: [existing[n], v] for n, v in row.welfare.items() if existing[n] != v}
                if changes:
                    write.welfare = Write(
                        existing["id"],
                        {**{n: existing[n] for n in WELFARE_FIELDS}, **row.welfare},
                        changes,
                        seen=existing[ROW_VERSION],
                    )
        if row.programs:
            have = self.programs.get(person_id, ()) if person_id else ()
            write.programs = [p for p in row.programs if p not in have]
        if row.ppks:
            have = self.ppks.get(person_id, ()) if person_id else ()
            write.ppks = [p for p in row.ppks if p not in have]
        return True

    def _note_reliance(self, row, write: PersonWrite, plan: Plan) -> None:
        """What the written row relies on besides the records it changes (see Plan)."""
        household = self.households_by_kk.get(row.kk)
        if household and row.kk not in plan.households and row.kk not in self.member_kks:
            self.member_kks.add(row.kk)
            plan.member_households.append(Write(household["id"], {}, seen=household[ROW_VERSION]))
        key = self.name_keys.get(row.line)
        if key is None or (row.kk and not household):  # by NIK, or in a new household (its KK is checked)
            return
        plan.name_candidates[key] = candidate_list(self.by_name.get(key, ()))
        households, loose = plan.name_places
        if household:
            households[household["id"]] = row.kk
        else:
            loose.add((row.person.get("region_id"), row.person.get("birth_date")))

    # --- Households --------------------------------------------------------------------------
    def _households(self, valid, invalid, writes, plan):
        """Households to create or change, from the valid rows only (an invalid row's address
        never reaches a record)."""
        valid = [r for r in valid if r.line not in invalid]
        values_by_kk: dict[str, dict] = {}
        head_name: dict[str, str] = {}
        first_line: dict[str, int] = {}
        for row in valid:
            if kk := row.kk:
                first_line.setdefault(kk, row.line)
                if kk in values_by_kk:
                    values_by_kk[kk].update(row.household)  # the rows of a KK agree (_household_consistency)
                else:
                    values_by_kk[kk] = dict(row.household)
                if row.person.get("relationship") == Relationship.HEAD:
                    head_name[kk] = row.person["full_name"]
        lacking: dict[str, list] = {}  # KK → the columns a new household lacks
        for kk, values in values_by_kk.items():
            old = self.households_by_kk.get(kk)
            if old is None:
                needs = [
                    column
                    for column, name in (("alamat", "address"), ("kode_wilayah", "region_id"))
                    if name not in values
                ]
                if needs:
                    lacking[kk] = needs
                else:
                    new = {**self.household_defaults, "rt": "", "rw": "", **values, "kk_number": kk}
                    plan.households[kk] = Write(None, new, label=household_label(head_name.get(kk), new["address"]))
                continue
            new = {**{n: old[n] for n in HOUSEHOLD_FIELDS}, **values}
            for name in ("rt", "rw"):  # 2 and 002 are the same RT
                if name in values and old[name].isdigit() and int(old[name]) == int(values[name]):
                    new[name] = old[name]
            changes = {n: [old[n], new[n]] for n in HOUSEHOLD_FIELDS if old[n] != new[n]}
            if changes:
                if old["status"] == VerificationStatus.VERIFIED:
                    _back_to_verification(old, new, changes)
                plan.households[kk] = Write(
                    old["id"],
                    new,
                    changes,
                    label=household_label(head_name.get(kk), new["address"]),
                    seen=old[ROW_VERSION],
                    line=first_line[kk],
                )
        for row in valid if lacking else ():
            for column in lacking.get(row.kk, ()):
                self._reject(
                    row,
                    invalid,
                    column,
                    message(
                        gettext_noop("A new household needs %(column)s on at least one of its rows."), column=column
                    ),
                )
        return [r for r in valid if r.line not in invalid]


def scope_of(user) -> tuple:
    """What the scoping of the user's reads and writes depends on."""
    return (user.pk, user.is_active, user.role, user.region_id, getattr(user, "agency_id", None))


def candidate_list(people) -> list[tuple]:
    """People found for a name key, as comparable values: which, and which versions."""
    return sorted((p["id"], p[ROW_VERSION]) for p in people)


_NEW_PERSON_NEEDS = (("nama", "full_name"), ("jenis_kelamin", "sex"), ("kode_wilayah", "region_id"))
_WARNING_COLUMN = {"sex": "jenis_kelamin", "birth_date": "tanggal_lahir", "region": "kode_wilayah", "nik": "nik"}


def _back_to_verification(old: dict, new: dict, changes: dict) -> None:
    """services._back_to_verification for a row: a changed verified record waits for verification again."""
    new.update(status=VerificationStatus.SUBMITTED, verified_by_id=None, verified_at=None)
    for name in ("status", "verified_by_id", "verified_at"):
        if old[name] != new[name]:
            changes[name] = [old[name], new[name]]


def _problem(row: CheckedRow, column: str, stored_message: list) -> tuple:
    """A problem or notice as stored on the batch: the row named by its NIK and name."""
    return (row.line, column, stored_message, row.nik, row.name)


def _by_line(problem: tuple) -> tuple:
    return problem[0], problem[1]


def _same_content(a: CheckedRow, b: CheckedRow) -> bool:
    """Two rows that say the same of a person (whatever way each cell was written)."""
    return (a.person, a.kk, a.household, a.disability, a.welfare, sorted(a.programs), sorted(a.ppks)) == (
        b.person, b.kk, b.household, b.disability, b.welfare, sorted(b.programs), sorted(b.ppks)
    )  # fmt: skip


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]
