"""NIK cleaning and decoding, property-based over generated valid and invalid numbers."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from registry.nik import (
    _disagreements,
    clean_number,
    mask_nik,
    nik_disagreement_messages,
    nik_disagreements,
    parse_nik,
)

TODAY = datetime.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def english_messages():
    """The assertions read the English source messages (the portal itself speaks Indonesian)."""
    with translation.override("en"):
        yield


kecamatan = st.sampled_from(["357601", "357602", "357603", "331601", "640301"])
birth_dates = st.dates(min_value=datetime.date(1927, 1, 1), max_value=TODAY)
sexes = st.sampled_from(["L", "P"])
serials = st.integers(min_value=1, max_value=9999)


def make_nik(kec: str, born: datetime.date, sex: str, serial: int) -> str:
    day = born.day + (40 if sex == "P" else 0)
    return f"{kec}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def dotted(kec: str) -> str:
    return f"{kec[0:2]}.{kec[2:4]}.{kec[4:6]}"


@given(kecamatan, birth_dates, sexes, serials)
def test_a_valid_nik_round_trips_and_agrees_with_its_owner(kec, born, sex, serial):
    nik = make_nik(kec, born, sex, serial)
    assert clean_number(nik) == nik
    parts = parse_nik(nik, today=TODAY)
    assert (parts.sex, parts.kecamatan_code, parts.serial) == (sex, dotted(kec), f"{serial:04d}")
    assert parts.birth_date is not None and (parts.birth_date.day, parts.birth_date.month) == (born.day, born.month)
    assert parts.birth_date.year % 100 == born.year % 100
    assert nik_disagreements(nik, sex=sex, birth_date=born, region_code=dotted(kec) + ".1001") == {}


@given(
    kecamatan,
    birth_dates,
    sexes,
    serials,
    st.one_of(st.none(), birth_dates),
    st.one_of(st.none(), sexes),
    st.one_of(st.none(), st.sampled_from(["35.76.01.1001", "35.76.02", "35.76.0", "3576011001", "64.03.01.2001", ""])),
)
def test_the_quick_answer_for_an_agreeing_nik_is_the_full_one(
    kec, born, sex, serial, other_date, other_sex, other_region
):
    nik = make_nik(kec, born, sex, serial)
    for person in (
        {"sex": sex, "birth_date": born, "region_code": dotted(kec) + ".1001"},
        {"sex": other_sex, "birth_date": other_date, "region_code": other_region},
        {"sex": sex, "birth_date": born, "region_code": other_region},
    ):
        assert nik_disagreement_messages(nik, **person) == _disagreements(nik, **person)


@given(kecamatan, birth_dates, sexes, serials)
def test_the_wrong_sex_is_reported(kec, born, sex, serial):
    nik = make_nik(kec, born, sex, serial)
    other = "P" if sex == "L" else "L"
    assert set(nik_disagreements(nik, sex=other, birth_date=born, region_code=None)) == {"sex"}


@given(kecamatan, birth_dates, sexes, serials, st.integers(min_value=1, max_value=300))
def test_another_birth_date_is_reported(kec, born, sex, serial, shift):
    nik = make_nik(kec, born, sex, serial)
    other = born - datetime.timedelta(days=shift)
    problems = nik_disagreements(nik, sex=sex, birth_date=other, region_code=None)
    assert set(problems) == {"birth_date"}
    assert born.strftime("%d/%m/") in problems["birth_date"]


@given(birth_dates, sexes, serials)
def test_another_kecamatan_is_reported(born, sex, serial):
    nik = make_nik("357601", born, sex, serial)
    assert set(nik_disagreements(nik, sex=sex, birth_date=born, region_code="35.76.03.1001")) == {"region"}


@given(st.text(alphabet="0123456789", min_size=0, max_size=30).filter(lambda s: len(s) not in (0, 16)))
def test_any_other_length_is_refused(digits):
    with pytest.raises(ValidationError) as excinfo:
        clean_number(digits)
    assert "16" in str(excinfo.value)


@given(
    st.text(min_size=16, max_size=16).filter(
        lambda s: not s.replace(" ", "").replace("-", "").replace(".", "").isdigit() and s.strip()
    )
)
def test_letters_are_refused(value):
    with pytest.raises(ValidationError):
        clean_number(value)


@pytest.mark.parametrize("raw", ["3.57601E+15", "3,57601E+15", "3.576012345E+15", "3E+15"])
def test_excel_scientific_notation_is_refused_not_guessed(raw):
    with pytest.raises(ValidationError, match="scientific notation"):
        clean_number(raw)


def test_fifteen_digits_are_refused_not_padded():
    with pytest.raises(ValidationError, match="exactly 16 digits .this one has 15"):
        clean_number("357601234567000")


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("'3576014508800003", "3576014508800003"),
        (" 3576 0145 0880 0003 ", "3576014508800003"),
        ("3576-0145-0880-0003", "3576014508800003"),
        ("", None),
        (None, None),
    ],
)
def test_separators_and_the_excel_apostrophe_are_removed_explicitly(raw, clean):
    assert clean_number(raw) == clean


def test_an_impossible_date_in_the_nik_is_reported():
    assert set(nik_disagreements("3576013202900001", sex="L", birth_date=None, region_code=None)) == {"nik"}


def test_a_woman_has_forty_added_to_her_day():
    parts = parse_nik("3576014508800003", today=TODAY)
    assert parts.sex == "P" and parts.birth_date == datetime.date(1980, 8, 5)


def test_masking_keeps_region_and_serial_only():
    assert mask_nik("3576014508800003") == "3576********0003"
    assert mask_nik(None) == "—"
