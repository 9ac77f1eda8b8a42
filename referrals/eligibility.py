"""Whether people meet a service's eligibility criteria (``ServiceCriteria``), by two paths that
must agree: ``eligible_q`` filters registry.Person in SQL for lists; ``evaluate`` checks one person
in Python and says why, with the person's value. Each criterion keeps its two paths side by side;
tests/referrals/test_eligibility.py proves they agree on random people and criteria (hypothesis).

``evaluate`` reads the person's related rows through ``.all()`` and one-to-one attributes, so a
caller checking many services for one person can prefetch them once: ``select_related("region",
"welfare", "disability")``, ``prefetch_related("ppks", "programs")``.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, F, OuterRef, Q
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models import NeedDomain
from assessments.selectors import has_need_q, needs_of_person
from onegate.regions.models import code_within, within_q
from registry.models import (
    AssistiveDevice,
    DisabilityType,
    DtksStatus,
    LifeStatus,
    PersonPpks,
    PpksStatus,
    Program,
    ProgramReceipt,
    Severity,
    Sex,
)

NONE_SHOWN = "—"
SEVERITY_ORDER = [Severity.MILD, Severity.MODERATE, Severity.SEVERE]


@dataclass(frozen=True)
class Criterion:
    """One criterion: whether a ServiceCriteria sets it, its filter on Person, and its check of one
    person returning (met, the person's value as shown in the reasons)."""

    label: str
    is_set: Callable
    q: Callable
    check: Callable
    # The label with the criterion's own values ("Age 17–45 years"), for the reasons shown.
    describe: Callable | None = None

    def label_for(self, criteria) -> str:
        return str(self.describe(criteria)) if self.describe else str(self.label)


def age_on(birth_date: datetime.date, today: datetime.date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def born_by(today: datetime.date, years: int) -> datetime.date:
    """The last birth date at which a person is ``years`` old on ``today`` (29 February → the 28th)."""
    year = today.year - years
    try:
        return today.replace(year=year)
    except ValueError:
        return datetime.date(year, 2, 28)


def _welfare(person):
    try:
        return person.welfare
    except ObjectDoesNotExist:
        return None


def _disability(person):
    try:
        return person.disability
    except ObjectDoesNotExist:
        return None


def _labels(choices, values) -> str:
    return ", ".join(str(choices(v).label) for v in values) or NONE_SHOWN


def _age_shown(person, today) -> str:
    if person.birth_date is None:
        return NONE_SHOWN
    return gettext("%(age)d years") % {"age": age_on(person.birth_date, today)}


# --- The criteria, each with its SQL filter and its Python check --------------------------------
# Alive and still living here: people who died or moved away (pindah: they left the city's
# services) are not eligible, nor a record merged into another.
NOT_IN_FORCE = (LifeStatus.DECEASED, LifeStatus.MOVED)


def _in_force_q(c, today):
    return Q(merged_into__isnull=True) & ~Q(life_status__in=NOT_IN_FORCE)


def _in_force_check(c, person, today):
    met = person.merged_into_id is None and person.life_status not in NOT_IN_FORCE
    shown = LifeStatus(person.life_status).label
    if person.merged_into_id is not None:
        shown = gettext("merged into another record")
    return met, str(shown)


def _age_q(c, today):
    q = Q()
    if c.min_age is not None:
        q &= Q(birth_date__lte=born_by(today, c.min_age))
    if c.max_age is not None:
        q &= Q(birth_date__gt=born_by(today, c.max_age + 1))
    return q


def _age_check(c, person, today):
    if person.birth_date is None:
        return False, NONE_SHOWN
    age = age_on(person.birth_date, today)
    met = (c.min_age is None or age >= c.min_age) and (c.max_age is None or age <= c.max_age)
    return met, _age_shown(person, today)


def _age_described(c):
    if c.min_age is not None and c.max_age is not None:
        return gettext("Age %(min)d–%(max)d years") % {"min": c.min_age, "max": c.max_age}
    if c.min_age is not None:
        return gettext("Age %(min)d years or older") % {"min": c.min_age}
    return gettext("Age up to %(max)d years") % {"max": c.max_age}


def _sex_q(c, today):
    return Q(sex=c.sex)


def _sex_check(c, person, today):
    return person.sex == c.sex, str(Sex(person.sex).label) if person.sex else NONE_SHOWN


def _area_q(c, today):
    return within_q("region", c.area_id)


def _area_check(c, person, today):
    return code_within(person.region_id, c.area_id), person.region.name


def _dtks_q(c, today):
    return Q(welfare__dtks_status__in=c.dtks_statuses)


def _dtks_check(c, person, today):
    welfare = _welfare(person)
    status = welfare.dtks_status if welfare else None
    return status in c.dtks_statuses, str(DtksStatus(status).label) if status else NONE_SHOWN


def _decile_q(c, today):
    return Q(welfare__decile__lte=c.max_decile)


def _decile_check(c, person, today):
    welfare = _welfare(person)
    decile = welfare.decile if welfare else None
    return decile is not None and decile <= c.max_decile, str(decile) if decile is not None else NONE_SHOWN


def _decile_described(c):
    return gettext("Welfare decile %(decile)d or lower") % {"decile": c.max_decile}


def _disability_q(c, today):
    return Q(disability__isnull=False)


def _disability_check(c, person, today):
    disability = _disability(person)
    return disability is not None, _labels(DisabilityType, disability.types if disability else [])


def _disability_types_q(c, today):
    return Q(disability__types__overlap=c.disability_types)


def _disability_types_check(c, person, today):
    disability = _disability(person)
    types = disability.types if disability else []
    return bool(set(types) & set(c.disability_types)), _labels(DisabilityType, types)


def _at_least(severity: str) -> list[str]:
    return SEVERITY_ORDER[SEVERITY_ORDER.index(severity) :]


def _severity_q(c, today):
    return Q(disability__severity__in=_at_least(c.min_severity))


def _severity_check(c, person, today):
    disability = _disability(person)
    severity = disability.severity if disability else None
    return severity in _at_least(c.min_severity), str(Severity(severity).label) if severity else NONE_SHOWN


def _devices_missing(disability) -> list[str]:
    if disability is None:
        return []
    owned = set(disability.devices_owned)
    return [d for d in disability.devices_needed if d not in owned]


def _device_q(c, today):
    # Some device needed is not owned: the needed list is not contained in the owned one (an
    # empty list is contained in any).
    return Q(disability__isnull=False) & ~Q(disability__devices_needed__contained_by=F("disability__devices_owned"))


def _device_check(c, person, today):
    missing = _devices_missing(_disability(person))
    return bool(missing), _labels(AssistiveDevice, missing)


def _ppks_category_ids(c) -> set[int]:
    return {category.pk for category in c.ppks_categories.all()}


def _ppks_q(c, today):
    active = PersonPpks.objects.filter(
        person=OuterRef("pk"), status=PpksStatus.ACTIVE, category__in=_ppks_category_ids(c)
    )
    return Q(Exists(active))


def _ppks_check(c, person, today):
    active = [r for r in person.ppks.all() if r.status == PpksStatus.ACTIVE]
    met = any(r.category_id in _ppks_category_ids(c) for r in active)
    return met, ", ".join(sorted(str(r.category) for r in active)) or NONE_SHOWN


def _needs_q(c, today):
    return has_need_q(c.need_domains)


def _needs_check(c, person, today):
    # needs_of_person keeps only domains at "needed" or above, as has_need_q asks.
    needs = needs_of_person(person)
    return bool(set(needs) & set(c.need_domains)), _labels(NeedDomain, sorted(needs))


def _nik_q(c, today):
    without = Q(nik__isnull=True) | Q(nik="")
    return ~without if c.has_nik else without


def _nik_check(c, person, today):
    has = bool(person.nik)
    return has == c.has_nik, gettext("has a NIK") if has else gettext("no NIK")


def _program_q(c, today):
    return ~Q(
        Exists(ProgramReceipt.objects.filter(person=OuterRef("pk"), program=c.not_receiving_program, year=today.year))
    )


def _program_check(c, person, today):
    this_year = sorted({r.program for r in person.programs.all() if r.year == today.year})
    if not this_year:
        return True, gettext("no programme this year")
    shown = gettext("receives %(programs)s this year") % {"programs": _labels(Program, this_year)}
    return c.not_receiving_program not in this_year, shown


def _program_described(c):
    # "Not already receiving: BPNT" would read as if BPNT were the programme not received.
    return gettext("Not receiving %(program)s this year") % {"program": Program(c.not_receiving_program).label}


# The person's record in force (alive, living here, not merged away) is always checked.
IN_FORCE = Criterion(_("Alive and living here, record in force"), lambda c: True, _in_force_q, _in_force_check)

CRITERIA = [
    IN_FORCE,
    Criterion(_("Age"), lambda c: c.min_age is not None or c.max_age is not None, _age_q, _age_check, _age_described),
    Criterion(_("Sex"), lambda c: bool(c.sex), _sex_q, _sex_check),
    Criterion(_("Lives in"), lambda c: c.area_id is not None, _area_q, _area_check),
    Criterion(_("DTKS/DTSEN status"), lambda c: bool(c.dtks_statuses), _dtks_q, _dtks_check),
    Criterion(
        _("Highest welfare decile"), lambda c: c.max_decile is not None, _decile_q, _decile_check, _decile_described
    ),
    Criterion(_("Has a disability"), lambda c: c.disability_required, _disability_q, _disability_check),
    Criterion(_("Disability types"), lambda c: bool(c.disability_types), _disability_types_q, _disability_types_check),
    Criterion(_("Lowest disability severity"), lambda c: bool(c.min_severity), _severity_q, _severity_check),
    Criterion(_("Needs an assistive device"), lambda c: c.device_needed, _device_q, _device_check),
    Criterion(_("PPKS categories"), lambda c: bool(_ppks_category_ids(c)), _ppks_q, _ppks_check),
    Criterion(_("Assessed needs"), lambda c: bool(c.need_domains), _needs_q, _needs_check),
    Criterion(_("NIK"), lambda c: c.has_nik is not None, _nik_q, _nik_check),
    Criterion(
        _("Not already receiving"),
        lambda c: bool(c.not_receiving_program),
        _program_q,
        _program_check,
        _program_described,
    ),
]


def _applying(criteria) -> list[Criterion]:
    if criteria is None:
        return [IN_FORCE]
    return [criterion for criterion in CRITERIA if criterion.is_set(criteria)]


def eligible_q(criteria, today: datetime.date) -> Q:
    """A filter on registry.Person: the people meeting every criterion set (``criteria`` None or
    empty: every living person still living here whose record is in force)."""
    q = Q()
    for criterion in _applying(criteria):
        q &= criterion.q(criteria, today)
    return q


def evaluate(criteria, person, today: datetime.date) -> list[tuple[str, bool, str]]:
    """For one person: (criterion label, met, the person's value) for each criterion set."""
    return [
        (criterion.label_for(criteria), *criterion.check(criteria, person, today)) for criterion in _applying(criteria)
    ]


def sets_criteria(criteria) -> bool:
    """Whether ``criteria`` sets anything beyond the always-checked record in force (empty criteria
    mean "anyone": such services are neither suggested nor listed)."""
    return criteria is not None and any(c.is_set(criteria) for c in CRITERIA if c is not IN_FORCE)


def shown_reasons(evaluated) -> list[tuple[str, str]]:
    """``evaluate``'s rows as pages and referral reasons show them: the criteria the service sets
    (not the always-on record check), each label capitalised (some are also the criteria form's
    lower-case field names) with the person's value."""
    always = str(IN_FORCE.label)
    return [(capfirst(label), value) for label, _met, value in evaluated if label != always]


def is_eligible(criteria, person, today: datetime.date) -> bool:
    return all(met for _, met, _ in evaluate(criteria, person, today))
