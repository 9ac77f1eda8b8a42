"""The person search by name (registry.search): the start of the name first, then a misspelt first
name, whole words anywhere, and words one letter off; each tier in name order, read page by page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onegate import reference_cache
from registry.models import Person
from registry.search import NameSearchQuerySet, one_letter_off, people_named
from tests.conftest import KRANGGAN, WATES
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_common_words():
    """The registry's common words are read from PostgreSQL's statistics and kept per process."""
    reference_cache.clear()
    yield
    reference_cache.clear()


def analyze():
    """What autovacuum does after many new people: the statistics the search takes its common words from."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_person")
    reference_cache.clear()


def found(client, typed, **params) -> list[str]:
    page = client.get(reverse("registry:person-list"), {"q": typed, **params})
    assert page.status_code == 200
    return [row.record.full_name for row in page.context["table"].page.object_list]


@pytest.fixture
def people(users):
    names = [
        "Siti Aminah",
        "Dewi Siti Aminah",
        "Siti Aminah Putri",
        "Sitti Aminah",
        "Siti Rahayu",
        "Aminah",
        "Fatimah Zahra",
        "Muhammad Rizky Pratama",
        "Budi Pratama",
        "Ani Lestari",
        "Ana Lestari",
        "SITI NURHALIZA",
        "Agus Hidayat",
    ]
    return {n: PersonFactory(full_name=n, region_id=WATES) for n in names}


def test_the_exact_name_comes_first_then_the_tiers(users, client_for, people):
    client = client_for(users["manajer"])
    assert found(client, "siti aminah") == [
        "Siti Aminah",
        "Siti Aminah Putri",  # the name starts with what was typed
        "Sitti Aminah",  # ... with the first name one letter off
        "Dewi Siti Aminah",  # every word, elsewhere in the name
    ]
    assert found(client, "  SITI ") == [
        "Siti Aminah",
        "Siti Aminah Putri",
        "SITI NURHALIZA",
        "Siti Rahayu",
        "Sitti Aminah",
        "Dewi Siti Aminah",
    ]


@pytest.mark.parametrize(
    ("typed", "person"),
    [
        ("fatmah", "Fatimah Zahra"),  # a letter missing
        ("fatimmah", "Fatimah Zahra"),  # one too many
        ("fatinah", "Fatimah Zahra"),  # a wrong one
        ("fatiamh", "Fatimah Zahra"),  # two swapped
        ("muhamad rizki", "Muhammad Rizky Pratama"),  # one letter off in each word
        ("pratama", "Muhammad Rizky Pratama"),  # the family name alone
        ("rizky pratma", "Muhammad Rizky Pratama"),
        ("muhammadrizky", "Muhammad Rizky Pratama"),  # a space left out
        ("agu hidayat", "Agus Hidayat"),  # a short word with a letter missing
    ],
)
def test_a_name_misspelt_by_a_letter_is_found(users, client_for, people, typed, person):
    assert person in found(client_for(users["manajer"]), typed)


def test_short_words_must_be_exact_and_unrelated_names_are_not_found(users, client_for, people):
    client = client_for(users["manajer"])
    assert found(client, "ani") == ["Ani Lestari"]  # not Ana: three letters are typed exactly
    assert found(client, "fatmah zahra") == ["Fatimah Zahra"]
    assert found(client, "zzzz tidak ada") == []
    assert found(client, "budi aminah") == []  # every typed word must be in the name


def test_the_search_stays_in_the_users_area(users, client_for, people):
    PersonFactory(full_name="Siti Kranggan", region_id=KRANGGAN)
    assert "Siti Kranggan" not in found(client_for(users["kel.wates"]), "siti")
    assert "Siti Kranggan" in found(client_for(users["manajer"]), "siti")
    assert found(client_for(users["kel.kranggan"]), "siti") == ["Siti Kranggan"]


def test_pages_follow_each_other_and_the_count_is_every_match(users, client_for):
    for i in range(30):
        PersonFactory(full_name=f"Wulan {chr(65 + i % 26)}{i:02d}", region_id=WATES)  # tier 0
        PersonFactory(full_name=f"Dewi Wulan {i:02d}", region_id=WATES)  # tier 2
        PersonFactory(full_name=f"Wulam Sari {i:02d}", region_id=WATES)  # tier 1
    analyze()  # "Wulam" is a common word: found for "wulan" although "wulan" alone fills pages
    client = client_for(users["manajer"])
    first, second, third, fourth = (found(client, "wulan", page=n) for n in (1, 2, 3, 4))
    listed = first + second + third + fourth
    assert len(listed) == len(set(listed)) == 90
    assert listed[:30] == sorted(n for n in listed if n.startswith("Wulan "))
    assert listed[30:60] == sorted(n for n in listed if n.startswith("Wulam "))
    assert listed[60:] == sorted(n for n in listed if n.startswith("Dewi "))
    page = client.get(reverse("registry:person-list"), {"q": "wulan"})
    assert page.context["table"].paginator.count == 90


def test_a_search_counts_to_its_own_lower_cap_from_the_start_of_the_names(users, client_for, monkeypatch):
    """Nobody pages through a thousand namesakes: the search's count stops sooner than a list's, and
    when the start of the names fills it the other tiers are not counted."""
    monkeypatch.setattr(NameSearchQuerySet, "count_cap", 4)
    for i in range(6):
        PersonFactory(full_name=f"Wulan {i:02d}", region_id=WATES)
    PersonFactory(full_name="Dewi Wulan", region_id=WATES)
    client = client_for(users["manajer"])
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("registry:person-list"), {"q": "wulan"})
    paginator = page.context["table"].paginator
    assert paginator.is_capped and paginator.count == 5 and "Lebih dari 4 orang" in page.text
    assert len([q for q in ctx.captured_queries if "COUNT(*)" in q["sql"] and "registry_person" in q["sql"]]) == 1
    assert not client.get(reverse("registry:person-list")).context["table"].paginator.is_capped  # a list's own cap
    assert client.get(reverse("registry:person-list"), {"q": "dewi"}).context["table"].paginator.count == 1


def test_other_filters_and_a_sorted_column_apply_to_the_search(users, client_for, people):
    client = client_for(users["manajer"])
    Person.objects.filter(full_name="Siti Rahayu").update(status="verified")
    assert found(client, "siti", status="verified") == ["Siti Rahayu"]
    by_name_desc = found(client, "siti aminah", sort="-full_name")
    assert by_name_desc == sorted(
        ["Siti Aminah", "Dewi Siti Aminah", "Siti Aminah Putri", "Sitti Aminah"], reverse=True
    )


def test_a_page_costs_a_few_queries_and_no_similarity_over_the_registry(users, client_for, people):
    client = client_for(users["manajer"])
    found(client, "fatmah")  # the words one letter off that exist are remembered
    with CaptureQueriesContext(connection) as ctx:
        assert found(client, "fatmah") == ["Fatimah Zahra"]
    sql = " ".join(q["sql"] for q in ctx.captured_queries).upper()
    assert "SIMILARITY" not in sql and "%>" not in sql
    assert len(ctx.captured_queries) <= 10  # user, counts (a transaction for the planner setting), the tiers, the rows


def test_a_rare_word_one_letter_off_is_looked_for_when_the_common_ones_find_too_little(users, client_for, people):
    for i in range(30):
        PersonFactory(full_name=f"Budi Santoso {i:02d}", region_id=WATES)
    analyze()  # Santoso is common, Fatimah (one person) is not
    client = client_for(users["manajer"])
    assert found(client, "fatmah") == ["Fatimah Zahra"]
    assert len(found(client, "santosa")) == 25


def test_the_variants_of_a_word():
    variants = one_letter_off("FATMAH")
    assert {"FATIMAH", "FATMA", "FATAMH", "FATMAK"} <= variants and "FATMAH" not in variants
    assert len(one_letter_off("ABCD")) < 26 * 5 + 25 * 4 + 4 + 3 + 1


def test_people_named_is_a_filter_for_other_lists(users, people):
    heads = Person.objects.filter(full_name__in=["Siti Aminah", "Budi Pratama"])
    assert set(people_named(heads, "budi pratma").values_list("full_name", flat=True)) == {"Budi Pratama"}  # read whole
    households = Person.objects.filter(pk__in=people_named(heads, "budi pratma", widen=True).values("pk"))
    assert set(households.values_list("full_name", flat=True)) == {"Budi Pratama"}  # a subquery


def test_the_counts_never_scan_the_registry_whatever_the_planner_estimates(users, client_for, people):
    """At five million people PostgreSQL chose a scan of the whole table (a name typed without its
    space: 3.7 s), or a walk of an index in name order (9.6 s), to count the matches: it cannot
    estimate how many names a search's words match. The counts run with the planner told not to
    (registry.search._count_found). On a table this small it would always scan, so each count's plan,
    made under the settings the count ran with, shows that no count scans the table."""
    for i in range(30):
        PersonFactory(full_name=f"Didik Heru {i:02d}", region_id=WATES)
    analyze()
    plans = []

    def explain(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT COUNT(*)") and "registry_person" in sql:
            with context["connection"].connection.cursor() as cursor:  # same transaction, same settings
                cursor.execute("EXPLAIN " + sql, params)
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
        return execute(sql, params, many, context)

    client = client_for(users["manajer"])
    for typed in ("DidikHeru", "didik heru", "heru"):
        with connection.execute_wrapper(explain):
            assert client.get(reverse("registry:person-list"), {"q": typed}).status_code == 200
    assert plans, "no count was made"
    for plan in plans:
        assert "Seq Scan on registry_person" not in plan, plan
    # The matches (every tier: the words anywhere too) as a bitmap, never by walking an index in its
    # order. (On a table this small PostgreSQL would choose a bitmap anyway: this shows the shape.)
    matches = [plan for plan in plans if "regexp_split_to_array" in plan]
    assert matches and not any(re.search(r"(?<!Bitmap )Index (Only )?Scan", plan) for plan in matches), plans
