"""Machine-readable eligibility: each criterion alone, combined, empty criteria, and the property
that the SQL filter (lists) and the Python check (one person, with reasons) always agree."""

import datetime
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Assessment, AssessmentNeed, NeedDomain, NeedLevel
from onegate.regions.models import Region, RegionLevel
from referrals.eligibility import age_on, eligible_q, evaluate, is_eligible
from referrals.models import ServiceCriteria
from registry.models import (
    AssistiveDevice,
    DisabilityProfile,
    DisabilityType,
    DtksStatus,
    LifeStatus,
    Person,
    PersonPpks,
    PpksCategory,
    PpksStatus,
    Program,
    ProgramReceipt,
    Severity,
    WelfareProfile,
)
from tests.conftest import KRANGGAN, WATES
from tests.factories import HouseholdFactory, PersonFactory
from tests.referrals.factories import ServiceFactory

TODAY = datetime.date(2026, 12, 7)
pytestmark = pytest.mark.django_db


def criteria_with(ppks=(), **fields) -> ServiceCriteria:
    criteria = ServiceCriteria.objects.create(service=ServiceFactory(), **fields)
    criteria.ppks_categories.set(ppks)
    return criteria


def person(nik="3576024505600001", **fields) -> Person:
    fields.setdefault("needs_civil_documents", not nik)
    return PersonFactory(nik=nik, **fields)


def assess(household, assessor, needs, *, latest=True, visited_on=datetime.date(2026, 11, 2)):
    assessment = Assessment.objects.create(
        household=household,
        region_id=household.region_id,
        visited_on=visited_on,
        assessor=assessor,
        status="submitted",
        is_latest=latest,
    )
    for member, domain, level in needs:
        AssessmentNeed.objects.create(assessment=assessment, person=member, domain=domain, level=level)


def paths(criteria, someone, today=TODAY) -> tuple[bool, bool]:
    """(in the SQL list, eligible by the Python check)."""
    in_list = Person.objects.filter(eligible_q(criteria, today), pk=someone.pk).exists()
    return in_list, is_eligible(criteria, someone, today)


def reasons(criteria, someone, today=TODAY) -> dict[str, tuple[bool, str]]:
    return {label: (met, shown) for label, met, shown in evaluate(criteria, someone, today)}


# --- Each criterion alone, both paths -----------------------------------------------------------
def test_age_range_counts_completed_years_at_the_reference_date(regions):
    criteria = criteria_with(min_age=18, max_age=59)
    turns_18_today = person(birth_date=datetime.date(2008, 12, 7))
    turns_18_tomorrow = person(nik="3576024505600002", birth_date=datetime.date(2008, 12, 8))
    sixty = person(nik="3576024505600003", birth_date=datetime.date(1966, 12, 7))
    no_birth_date = person(nik="3576024505600004", birth_date=None)
    assert paths(criteria, turns_18_today) == (True, True)
    assert reasons(criteria, turns_18_today)["Usia 18–59 tahun"] == (True, "18 tahun")
    assert paths(criteria, turns_18_tomorrow) == (False, False)
    assert paths(criteria, sixty) == (False, False)
    assert reasons(criteria, sixty)["Usia 18–59 tahun"] == (False, "60 tahun")
    assert paths(criteria, no_birth_date) == (False, False)


def test_born_on_29_february_is_a_year_older_on_1_march(regions):
    criteria = criteria_with(min_age=18)
    leapling = person(birth_date=datetime.date(2008, 2, 29))
    assert paths(criteria, leapling, datetime.date(2026, 2, 28)) == (False, False)
    assert paths(criteria, leapling, datetime.date(2026, 3, 1)) == (True, True)


def test_sex(regions):
    criteria = criteria_with(sex="P")
    assert paths(criteria, person(sex="P")) == (True, True)
    man = person(nik="3576020505600002", sex="L")
    assert paths(criteria, man) == (False, False)
    assert reasons(criteria, man)["Jenis kelamin"] == (False, "Laki-laki")


def test_area_takes_a_kecamatan_or_a_kelurahan(regions):
    in_wates = person(region_id=WATES)
    in_kranggan = person(nik="3576024505600002", region_id=KRANGGAN)
    kecamatan = criteria_with(area_id="35.76.02")
    assert paths(kecamatan, in_wates) == (True, True)
    assert paths(kecamatan, in_kranggan) == (False, False)
    kelurahan = criteria_with(area_id=KRANGGAN)
    assert paths(kelurahan, in_kranggan) == (True, True)
    assert paths(kelurahan, in_wates) == (False, False)
    assert reasons(kelurahan, in_wates)["Tinggal di"][0] is False


def test_dtks_status_any_of_and_highest_decile(regions):
    poor = person()
    WelfareProfile.objects.create(person=poor, dtks_status=DtksStatus.REGISTERED, decile=3)
    better_off = person(nik="3576024505600002")
    WelfareProfile.objects.create(person=better_off, dtks_status=DtksStatus.NOT_REGISTERED, decile=7)
    no_profile = person(nik="3576024505600003")
    dtks = criteria_with(dtks_statuses=[DtksStatus.REGISTERED, DtksStatus.PROPOSED])
    assert paths(dtks, poor) == (True, True)
    assert paths(dtks, better_off) == (False, False)
    assert paths(dtks, no_profile) == (False, False)
    decile = criteria_with(max_decile=4)
    assert paths(decile, poor) == (True, True)
    assert reasons(decile, poor)["Desil kesejahteraan 4 ke bawah"] == (True, "3")
    assert paths(decile, better_off) == (False, False)
    assert paths(decile, no_profile) == (False, False)


def test_disability_required_types_any_of_and_lowest_severity(regions):
    blind_mild = person()
    DisabilityProfile.objects.create(person=blind_mild, types=[DisabilityType.BLIND], severity=Severity.MILD)
    physical_severe = person(nik="3576024505600002")
    DisabilityProfile.objects.create(
        person=physical_severe, types=[DisabilityType.PHYSICAL, DisabilityType.SPEECH], severity=Severity.SEVERE
    )
    without = person(nik="3576024505600003")
    required = criteria_with(disability_required=True)
    assert paths(required, blind_mild) == (True, True)
    assert paths(required, without) == (False, False)
    types = criteria_with(disability_types=[DisabilityType.PHYSICAL, DisabilityType.DEAF])
    assert paths(types, physical_severe) == (True, True)
    assert paths(types, blind_mild) == (False, False)
    assert paths(types, without) == (False, False)
    moderate = criteria_with(min_severity=Severity.MODERATE)
    assert paths(moderate, physical_severe) == (True, True)
    assert paths(moderate, blind_mild) == (False, False)
    assert reasons(moderate, blind_mild)["Tingkat disabilitas terendah"] == (False, "Ringan")
    assert paths(moderate, without) == (False, False)


def test_device_needed_counts_a_device_needed_and_not_owned(regions):
    criteria = criteria_with(device_needed=True)
    lacks = person()
    DisabilityProfile.objects.create(
        person=lacks,
        types=[DisabilityType.PHYSICAL],
        severity=Severity.SEVERE,
        devices_needed=[AssistiveDevice.WHEELCHAIR, AssistiveDevice.CRUTCHES],
        devices_owned=[AssistiveDevice.CRUTCHES],
    )
    owns = person(nik="3576024505600002")
    DisabilityProfile.objects.create(
        person=owns,
        types=[DisabilityType.PHYSICAL],
        severity=Severity.SEVERE,
        devices_needed=[AssistiveDevice.WHEELCHAIR],
        devices_owned=[AssistiveDevice.WHEELCHAIR],
    )
    none_needed = person(nik="3576024505600003")
    DisabilityProfile.objects.create(person=none_needed, types=[DisabilityType.BLIND], severity=Severity.MODERATE)
    no_profile = person(nik="3576024505600004")
    assert paths(criteria, lacks) == (True, True)
    assert reasons(criteria, lacks)["Membutuhkan alat bantu"] == (True, "Kursi roda")
    assert paths(criteria, owns) == (False, False)
    assert paths(criteria, none_needed) == (False, False)
    assert paths(criteria, no_profile) == (False, False)
    assert reasons(criteria, no_profile)["Membutuhkan alat bantu"] == (False, "—")


def test_ppks_categories_count_only_active_records(regions):
    first, second, third = PpksCategory.objects.order_by("code")[:3]
    active = person()
    PersonPpks.objects.create(person=active, category=first)
    handled = person(nik="3576024505600002")
    PersonPpks.objects.create(person=handled, category=first, status=PpksStatus.HANDLED)
    other = person(nik="3576024505600003")
    PersonPpks.objects.create(person=other, category=third)
    criteria = criteria_with(ppks=[first, second])
    assert paths(criteria, active) == (True, True)
    assert paths(criteria, handled) == (False, False)
    assert paths(criteria, other) == (False, False)


def test_needs_from_the_latest_assessment_at_needed_or_urgent(regions, users):
    household = HouseholdFactory()
    mother = person(household=household)
    son = person(nik="3576020505600002", household=household)
    assess(
        household,
        users["kel.wates"],
        [(None, NeedDomain.FOOD, NeedLevel.NEEDED), (son, NeedDomain.EDUCATION, NeedLevel.URGENT)],
    )
    # An older assessment's need no longer counts.
    assess(household, users["kel.wates"], [(None, NeedDomain.HOUSING, NeedLevel.URGENT)], latest=False)
    food = criteria_with(need_domains=[NeedDomain.FOOD, NeedDomain.HEALTH])
    assert paths(food, mother) == (True, True)
    education = criteria_with(need_domains=[NeedDomain.EDUCATION])
    assert paths(education, son) == (True, True)
    assert paths(education, mother) == (False, False)
    housing = criteria_with(need_domains=[NeedDomain.HOUSING])
    assert paths(housing, mother) == (False, False)
    assert paths(food, person(nik="3576024505600009")) == (False, False)  # no household


def test_no_need_recorded_does_not_count(regions, users):
    household = HouseholdFactory()
    someone = person(household=household)
    assess(household, users["kel.wates"], [(None, NeedDomain.HEALTH, NeedLevel.NONE)])
    assert paths(criteria_with(need_domains=[NeedDomain.HEALTH]), someone) == (False, False)


def test_has_nik_or_has_none(regions):
    with_nik = person()
    without = person(nik=None)
    must_have = criteria_with(has_nik=True)
    must_lack = criteria_with(has_nik=False)
    assert paths(must_have, with_nik) == (True, True)
    assert paths(must_have, without) == (False, False)
    assert paths(must_lack, without) == (True, True)
    assert reasons(must_lack, without)["NIK"] == (True, "tanpa NIK")
    assert paths(must_lack, with_nik) == (False, False)
    assert "3576024505600001" not in str(reasons(must_lack, with_nik))


def test_not_receiving_the_programme_in_the_reference_year(regions):
    receives = person()
    ProgramReceipt.objects.create(person=receives, program=Program.PBI_JK, year=2026)
    received_last_year = person(nik="3576024505600002")
    ProgramReceipt.objects.create(person=received_last_year, program=Program.PBI_JK, year=2025)
    other_programme = person(nik="3576024505600003")
    ProgramReceipt.objects.create(person=other_programme, program=Program.PKH, year=2026)
    criteria = criteria_with(not_receiving_program=Program.PBI_JK)
    assert paths(criteria, receives) == (False, False)
    assert reasons(criteria, receives)["Belum menerima PBI-JK tahun ini"] == (False, "tahun ini menerima PBI-JK")
    assert paths(criteria, received_last_year) == (True, True)
    assert paths(criteria, other_programme) == (True, True)


def test_empty_criteria_mean_anyone_living_here_and_not_merged(regions):
    empty = criteria_with()
    alive = person()
    moved = person(nik="3576024505600002", life_status=LifeStatus.MOVED)
    dead = person(nik="3576024505600003", life_status=LifeStatus.DECEASED)
    merged = person(nik="3576024505600004", merged_into=alive)
    assert paths(empty, alive) == (True, True)
    assert paths(None, alive) == (True, True)
    assert paths(empty, moved) == (False, False)
    assert paths(empty, dead) == (False, False)
    assert paths(empty, merged) == (False, False)
    assert paths(criteria_with(sex="L"), dead) == (False, False)


def test_people_who_moved_away_are_not_eligible_and_the_reason_says_so(regions):
    """Pindah: they left the city's services; the check names their status as the reason."""
    criteria = criteria_with(max_decile=4)
    moved = person(life_status=LifeStatus.MOVED)
    WelfareProfile.objects.create(person=moved, dtks_status=DtksStatus.REGISTERED, decile=2)
    assert paths(criteria, moved) == (False, False)
    assert reasons(criteria, moved)["Hidup dan berdomisili di sini, data berlaku"] == (False, "Pindah")
    assert reasons(criteria, moved)["Desil kesejahteraan 4 ke bawah"] == (True, "2")
    moved.life_status = LifeStatus.ALIVE
    moved.save()
    assert paths(criteria, moved) == (True, True)


def test_combined_criteria_need_every_one(regions):
    criteria = criteria_with(max_decile=4, not_receiving_program=Program.PBI_JK, sex="P")
    fits = person(sex="P")
    WelfareProfile.objects.create(person=fits, dtks_status=DtksStatus.REGISTERED, decile=2)
    receives = person(nik="3576024505600002", sex="P")
    WelfareProfile.objects.create(person=receives, dtks_status=DtksStatus.REGISTERED, decile=2)
    ProgramReceipt.objects.create(person=receives, program=Program.PBI_JK, year=2026)
    assert paths(criteria, fits) == (True, True)
    assert paths(criteria, receives) == (False, False)
    assert [met for _, met, _ in evaluate(criteria, receives, TODAY)] == [True, True, True, False]


# --- The two paths always agree (property-based) ------------------------------------------------
def build_population(assessor, size=40, seed=18):
    """Random people, fixed by the seed, with every kind of profile the criteria read."""
    rng = random.Random(seed)
    kelurahan = list(
        Region.objects.filter(level__in=[RegionLevel.KELURAHAN, RegionLevel.DESA]).values_list("code", flat=True)
    )
    categories = list(PpksCategory.objects.order_by("code")[:4])
    people = []
    for n in range(size):
        region = rng.choice(kelurahan)
        household = HouseholdFactory(region_id=region) if rng.random() < 0.6 else None
        birth = rng.choice(
            [None, datetime.date(2008, 2, 29), datetime.date(1960, 2, 29)]
            + [datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randrange(35_000)) for _ in range(6)]
        )
        nik = "" if n == 0 else rng.choice([None, f"35760{n:03d}{n:08d}", f"35761{n:03d}{n:08d}"])
        someone = person(
            nik=nik,
            sex=rng.choice("LP"),
            birth_date=birth,
            region_id=region,
            household=household,
            life_status=rng.choice([LifeStatus.ALIVE] * 6 + [LifeStatus.DECEASED, LifeStatus.MOVED]),
            merged_into=rng.choice(people) if people and rng.random() < 0.1 else None,
        )
        if rng.random() < 0.7:
            WelfareProfile.objects.create(
                person=someone,
                dtks_status=rng.choice(DtksStatus.values),
                decile=rng.choice([None, *range(1, 11)]),
            )
        if rng.random() < 0.4:
            DisabilityProfile.objects.create(
                person=someone,
                types=rng.sample(DisabilityType.values, rng.randint(1, 2)),
                severity=rng.choice(Severity.values),
                devices_needed=rng.sample(AssistiveDevice.values[:3], rng.randint(0, 2)),
                devices_owned=rng.sample(AssistiveDevice.values[:3], rng.randint(0, 2)),
            )
        for category in rng.sample(categories, rng.randint(0, 2)):
            PersonPpks.objects.create(person=someone, category=category, status=rng.choice(PpksStatus.values))
        for program, year in {(rng.choice(Program.values), rng.randint(2024, 2027)) for _ in range(rng.randint(0, 3))}:
            ProgramReceipt.objects.create(person=someone, program=program, year=year)
        people.append(someone)
    for household in {p.household for p in people if p.household}:
        members = [p for p in people if p.household == household]
        for latest in (False, True):
            needs = {
                (rng.choice([None, *members]), rng.choice(NeedDomain.values[:4])): rng.choice(NeedLevel.values)
                for _ in range(rng.randint(0, 3))
            }
            assess(
                household,
                assessor,
                [(member, domain, level) for (member, domain), level in needs.items()],
                latest=latest,
                visited_on=datetime.date(2026, 10 + latest, 1),
            )
    return (
        Person.objects.filter(pk__in=[p.pk for p in people])
        .select_related("region", "welfare", "disability")
        .prefetch_related("ppks__category", "programs")
    )


def subsets(values):
    return st.lists(st.sampled_from(list(values)), unique=True, max_size=3)


def maybe(strategy, empty=None):
    """Mostly unset: a person fails few criteria at once, so a disagreement on one shows."""
    return st.one_of(st.just(empty), st.just(empty), st.just(empty), strategy)


def birthday(born: datetime.date, year: int) -> datetime.date:
    return born.replace(year=year) if (born.month, born.day) != (2, 29) else datetime.date(2024, 2, 29)


@pytest.fixture
def population(regions, users):
    return list(build_population(users["manajer"]))


# The population is built once per test (a function-scoped fixture), and each example only reads it.
@settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_list_and_the_one_person_check_always_agree(population, data):
    # One person's birthday and ages around theirs: the edges of an age range.
    born = data.draw(st.sampled_from(sorted({p.birth_date for p in population if p.birth_date})))
    on_birthday = st.integers(2024, 2027).map(lambda year: birthday(born, year))
    today = data.draw(
        st.one_of(
            on_birthday,
            on_birthday,
            st.dates(datetime.date(2024, 1, 1), datetime.date(2027, 12, 31)),
            st.sampled_from([datetime.date(2024, 2, 29), datetime.date(2026, 2, 28), datetime.date(2026, 3, 1)]),
        )
    )
    near = [a for a in range(age_on(born, today) - 1, age_on(born, today) + 2) if a >= 0] or [0]
    age = maybe(st.one_of(st.sampled_from(near), st.sampled_from(near), st.integers(0, 100)))
    min_age, max_age = data.draw(age), data.draw(age)
    fields = {
        "min_age": None if min_age is not None and max_age is not None and min_age > max_age else min_age,
        "max_age": max_age,
        "sex": data.draw(maybe(st.sampled_from("LP"), "")),
        "area_id": data.draw(maybe(st.sampled_from(["35.76", "35.76.02", "35.76.03", WATES, KRANGGAN]))),
        "dtks_statuses": data.draw(maybe(subsets(DtksStatus.values), [])),
        "max_decile": data.draw(maybe(st.integers(1, 10))),
        "disability_required": data.draw(maybe(st.just(True), False)),
        "disability_types": data.draw(maybe(subsets(DisabilityType.values), [])),
        "min_severity": data.draw(maybe(st.sampled_from(Severity.values), "")),
        "device_needed": data.draw(maybe(st.just(True), False)),
        "need_domains": data.draw(maybe(subsets(NeedDomain.values[:5]), [])),
        "has_nik": data.draw(maybe(st.booleans())),
        "not_receiving_program": data.draw(maybe(st.sampled_from(Program.values), "")),
    }
    ppks = data.draw(maybe(subsets(PpksCategory.objects.order_by("code").values_list("pk", flat=True)[:5]), []))
    ServiceCriteria.objects.all().delete()
    criteria = criteria_with(ppks=ppks, **fields)
    criteria = ServiceCriteria.objects.prefetch_related("ppks_categories").get(pk=criteria.pk)

    in_list = set(Person.objects.filter(eligible_q(criteria, today), pk__in=[p.pk for p in population]))
    checked = {p for p in population if all(met for _, met, _ in evaluate(criteria, p, today))}
    assert in_list == checked


def test_demo_directory_services_carry_criteria(regions):
    from referrals.devdata.directory import load_directory

    load_directory("35.76")
    pbi = ServiceCriteria.objects.get(service__name="Pendaftaran PBI-JK daerah")
    civil = ServiceCriteria.objects.get(service__name="Adminduk jemput bola")
    aid = ServiceCriteria.objects.get(service__name="Bantuan alat bantu disabilitas")
    poor = person()
    WelfareProfile.objects.create(person=poor, dtks_status=DtksStatus.REGISTERED, decile=2)
    assert paths(pbi, poor) == (True, True)
    assert paths(civil, poor) == (False, False)
    assert paths(civil, person(nik=None)) == (True, True)
    profile = DisabilityProfile.objects.create(
        person=poor, types=[DisabilityType.PHYSICAL], severity=Severity.MODERATE, devices_needed=["kursi_roda"]
    )
    assert paths(aid, poor) == (True, True)
    profile.devices_owned = ["kursi_roda"]
    profile.save()
    assert paths(aid, poor) == (False, False)  # a device needed, and owned already
    atensi = ServiceCriteria.objects.get(service__name="Asistensi Rehabilitasi Sosial (ATENSI)")
    assert atensi.ppks_categories.count() == 8 and atensi.service.program == Program.ATENSI
    pip = ServiceCriteria.objects.get(service__name="Program Indonesia Pintar (PIP) dan beasiswa daerah")
    assert (pip.min_age, pip.max_age, pip.max_decile) == (6, 18, 4)
    assert pbi.service.program == Program.PBI_JK
    count = ServiceCriteria.objects.count()
    assert count >= 10
    load_directory("35.76")  # again: nothing added twice
    assert ServiceCriteria.objects.count() == count


def test_the_admin_form_refuses_an_upside_down_age_range(regions):
    from referrals.admin import ServiceCriteriaForm

    form = ServiceCriteriaForm(data={"min_age": "60", "max_age": "18", "has_nik": "unknown"})
    assert not form.is_valid()
    assert form.errors["max_age"] == ["Usia maksimal tidak boleh di bawah usia minimal."]
