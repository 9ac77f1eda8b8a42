"""The synthetic household/people generator (registry/devdata/synthetic.py) and its command."""

import io
from collections import Counter, defaultdict
from itertools import combinations

import pytest
from django.core.management import call_command
from django.db.models import Count

from registry.devdata.synthetic import generate, misspell
from registry.models import (
    DisabilityProfile,
    Household,
    Person,
    PersonPpks,
    ProgramReceipt,
    WelfareProfile,
)
from registry.nik import nik_disagreements, parse_nik

pytestmark = pytest.mark.django_db

HOUSEHOLDS = 556  # about 2,000 people


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def near_pairs(people=None) -> list[tuple[str, str]]:
    """Pairs of people in the same kelurahan with the same birth date whose names differ by one letter."""
    groups = defaultdict(list)
    for name, born, region in (people or Person.objects.all()).values_list("full_name", "birth_date", "region_id"):
        groups[(born, region)].append(name.upper())
    return [(a, b) for names in groups.values() for a, b in combinations(names, 2) if levenshtein(a, b) == 1]


def people_list():
    return list(
        Person.objects.order_by("id").values_list("full_name", "sex", "birth_date", "region_id", "relationship")
    )


def delete_all():
    Person.objects.all().delete()
    Household.objects.all().delete()


def test_the_same_seed_gives_the_same_people(regions):
    first = generate(households=200, seed=7)
    first_people = people_list()
    delete_all()
    second = generate(households=200, seed=7)
    assert first == second
    assert first["households"] == 200
    assert people_list() == first_people
    delete_all()
    generate(households=200, seed=8)
    assert people_list() != first_people


def test_every_nik_agrees_with_sex_birth_date_and_kecamatan(regions):
    counts = generate(households=HOUSEHOLDS, seed=3)
    people = list(Person.objects.exclude(nik=None).values_list("nik", "sex", "birth_date", "region_id"))
    assert len(people) > 0.9 * counts["people"]
    for nik, sex, born, region in people:
        assert len(nik) == 16 and nik.isdigit()
        assert nik_disagreements(nik, sex=sex, birth_date=born, region_code=region) == {}, nik
        parts = parse_nik(nik)
        assert (parts.birth_date, parts.sex) == (born, sex)
        assert region.startswith(parts.kecamatan_code + ".")
    for kk, region in Household.objects.values_list("kk_number", "region_id"):
        assert len(kk) == 16 and kk.isdigit()
        assert kk[:6] == region.rsplit(".", 1)[0].replace(".", "")
    assert set(Person.objects.values_list("region_id", flat=True)) <= set(
        Household.objects.values_list("region_id", flat=True)
    )
    assert all(code.startswith("35.76.") for code in Household.objects.values_list("region_id", flat=True))


def test_people_without_a_nik_are_flagged(regions):
    counts = generate(households=HOUSEHOLDS, seed=3)
    without = Person.objects.filter(nik=None)
    assert without.count() == without.filter(needs_civil_documents=True).count()
    assert not Person.objects.exclude(nik=None).filter(needs_civil_documents=True).exists()
    assert 0.01 < without.count() / counts["people"] < 0.06


def test_households_are_families(regions):
    generate(households=HOUSEHOLDS, seed=3)
    sizes = Counter()
    for household in Household.objects.prefetch_related("members"):
        members = list(household.members.all())
        relationships = Counter(m.relationship for m in members)
        assert relationships["kepala"] == 1
        assert relationships["suami_istri"] <= 1
        assert all(m.region_id == household.region_id for m in members)
        head = next(m for m in members if m.relationship == "kepala")
        for child in (m for m in members if m.relationship == "anak"):
            assert child.birth_date > head.birth_date
        sizes[len(members)] += 1
    assert set(sizes) <= set(range(1, 7))
    assert 3.3 < sum(size * n for size, n in sizes.items()) / sum(sizes.values()) < 3.9
    assert Household.objects.filter(rt__regex=r"^0(0[1-9]|1[0-5])$").count() == HOUSEHOLDS
    assert Household.objects.filter(address__regex=r"^Jl\. .+ No\. \d+$").count() == HOUSEHOLDS


def test_profiles_come_in_realistic_proportions(regions):
    counts = generate(households=HOUSEHOLDS, seed=3)
    people = counts["people"]
    assert 1900 < people < 2150
    assert counts["disability"] == DisabilityProfile.objects.count()
    assert 0.05 < counts["disability"] / people < 0.11
    multiple = DisabilityProfile.objects.filter(types__len__gte=2).count()
    assert 0.07 < multiple / counts["disability"] < 0.25
    for profile in DisabilityProfile.objects.exclude(wg_seeing=None):
        assert profile.has_wg_disability  # at least one domain at "a lot of difficulty" or worse
        assert all(1 <= getattr(profile, f) <= 4 for f in ("wg_seeing", "wg_walking", "wg_self_care"))
    assert DisabilityProfile.objects.exclude(wg_seeing=None).count() > counts["disability"] / 2
    assert 0.3 < WelfareProfile.objects.count() / people < 0.5
    with_welfare = Household.objects.filter(members__welfare__isnull=False).distinct().count()
    assert 0.32 < with_welfare / HOUSEHOLDS < 0.48
    deciles = Counter(WelfareProfile.objects.exclude(decile=None).values_list("decile", flat=True))
    assert sum(n for d, n in deciles.items() if d <= 5) > 2 * sum(n for d, n in deciles.items() if d > 5)
    rtlh = WelfareProfile.objects.filter(uninhabitable_house=True).values("person__household").distinct().count()
    assert 0.04 < rtlh / with_welfare < 0.2
    assert counts["programs"] == ProgramReceipt.objects.count() > 0
    assert set(ProgramReceipt.objects.values_list("year", flat=True)) <= {2024, 2025, 2026}
    assert {"pkh", "bpnt", "pbi_jk"} <= set(ProgramReceipt.objects.values_list("program", flat=True))
    assert (
        not ProgramReceipt.objects.values("person", "program", "year").annotate(n=Count("id")).filter(n__gt=1).exists()
    )
    ppks_people = PersonPpks.objects.values("person").distinct().count()
    assert 0.03 < ppks_people / people < 0.08
    assert counts["ppks"] == PersonPpks.objects.count()
    statuses = Counter(Person.objects.values_list("status", flat=True))
    assert statuses["verified"] > people / 2
    assert statuses["submitted"] and statuses["draft"] and statuses["rejected"]
    assert not Person.objects.filter(status="rejected", rejection_reason="").exists()
    assert not Household.objects.filter(status="verified", verified_at=None).exists()


def test_without_status_mix_everything_is_verified(regions):
    generate(households=50, seed=3, status_mix=False, duplicates=5)
    assert set(Person.objects.values_list("status", flat=True)) == {"verified"}
    assert set(Household.objects.values_list("status", flat=True)) == {"verified"}


def test_generating_twice_does_not_collide(regions):
    first = generate(households=HOUSEHOLDS, seed=1)
    second = generate(households=HOUSEHOLDS, seed=1)  # the same people again, with new numbers
    assert first == second
    assert Person.objects.count() == 2 * first["people"]
    assert Household.objects.count() == 2 * HOUSEHOLDS
    third = generate(households=100, seed=2, kelurahan_codes=["35.76.02.1010"])
    assert set(Person.objects.order_by("-id")[: third["people"]].values_list("region_id", flat=True)) == {
        "35.76.02.1010"
    }
    for nik, sex, born, region in Person.objects.exclude(nik=None).values_list("nik", "sex", "birth_date", "region_id"):
        assert nik_disagreements(nik, sex=sex, birth_date=born, region_code=region) == {}


def test_duplicates_are_near_pairs(regions):
    assert near_pairs() == []
    counts = generate(households=HOUSEHOLDS, seed=4, duplicates=9)
    assert counts["duplicates"] == 9
    pairs = near_pairs()
    assert len(pairs) == 9
    loose = Person.objects.filter(household=None)
    assert loose.count() == 9
    assert set(loose.values_list("status", flat=True)) <= {"submitted", "draft"}
    for person in loose:
        originals = [
            other
            for other in Person.objects.filter(
                birth_date=person.birth_date, region_id=person.region_id, household__isnull=False
            )
            if levenshtein(other.full_name.upper(), person.full_name.upper()) == 1
        ]
        assert len(originals) == 1
        assert originals[0].nik != person.nik or person.nik is None


def test_misspelling_changes_one_letter():
    import random

    rng = random.Random(1)
    for name in [
        "Muhammad Hidayatullah",
        "Siti Fatimah",
        "Syaiful Arif",
        "Sri",
        "Yohanes Ramadhan",
        "Tri",
        "Putri Yanti",
    ]:
        for _ in range(20):
            variant = misspell(name, rng)
            assert levenshtein(variant.upper(), name.upper()) == 1, (name, variant)


def test_more_than_one_writer_needs_autocommit(regions):
    with pytest.raises(ValueError):
        generate(households=10, workers=2)  # the test runs in a transaction


def test_the_command_prints_counts_and_speed(regions):
    out = io.StringIO()
    call_command("generate_people", people=360, seed=5, duplicates=2, stdout=out)
    assert Household.objects.count() == 100
    assert "people/s" in out.getvalue()
    assert "duplicates: 2" in out.getvalue()


def test_generated_records_pass_model_validation(regions):
    generate(households=150, seed=6, duplicates=3)
    for model in (Household, Person, DisabilityProfile, WelfareProfile, ProgramReceipt, PersonPpks):
        records = list(model.objects.order_by("?")[:60])
        assert records, model
        for record in records:
            record.full_clean()
