"""Lists built for millions of rows: the count stops at a cap, and the name search is one that the
name indexes serve (no per-row similarity over the whole table)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from onegate.pagination import CappedCountPaginator
from registry.models import Person
from tests.conftest import WATES
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_count_reads_no_more_rows_than_the_cap(users, client_for, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 5)
    for i in range(7):
        PersonFactory(full_name=f"Warga Nomor {i}", region_id=WATES)
    client = client_for(users["manajer"])
    with CaptureQueriesContext(connection) as ctx, translation.override("en"):
        page = client.get(reverse("registry:person-list"), HTTP_ACCEPT_LANGUAGE="en")
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(*)" in q["sql"] and "registry_person" in q["sql"]]
    assert counts and all("LIMIT 6" in sql for sql in counts)
    assert page.context["table"].paginator.is_capped
    assert 'id="person-count"' in page.text
    # Under the cap the list says how many.
    monkeypatch.setattr(CappedCountPaginator, "cap", 50)
    page = client.get(reverse("registry:person-list"))
    assert (
        not page.context["table"].paginator.is_capped
        and page.context["table"].paginator.count == Person.objects.count()
    )


def test_the_name_search_reads_the_name_indexes_and_finds_other_spellings(users, client_for):
    PersonFactory(full_name="Muhammad Rizky Pratama", region_id=WATES)
    PersonFactory(full_name="Siti Aminah", region_id=WATES)
    client = client_for(users["manajer"])
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("registry:person-list"), {"q": "muhamad rizki"})
    found = {row.record.full_name for row in page.context["table"].page.object_list}
    assert found == {"Muhammad Rizky Pratama"}
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    # registry.search: ranges of person_name_key and words from person_name_words, no similarity per row.
    assert 'COLLATE "C"' in sql and "regexp_split_to_array" in sql and "SIMILARITY" not in sql.upper()
