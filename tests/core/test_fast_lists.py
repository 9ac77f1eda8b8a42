"""The big lists' tables and filter forms are rendered in Python (onegate.tables, onegate.filter_form)
with the markup django-tables2 and crispy-forms give them: both ways are rendered here and compared."""

import datetime
import itertools
import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation

from onegate.filter_form import render_field
from onegate.reference_cache import clear as clear_reference_cache
from registry.models import DisabilityProfile, PpksCategory, Relationship, VerificationStatus
from tests.complaints.factories import make_complaint
from tests.conftest import WATES
from tests.factories import HouseholdFactory, PersonFactory
from tests.referrals.conftest import directory, sent  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

LISTS = [
    ("manajer", "registry:person-list", {}),
    ("manajer", "registry:person-list", {"sort": "-birth_date", "status": "verified"}),
    ("manajer", "registry:person-list", {"q": "zzzz tidak ada"}),  # no row: the empty text
    ("loket", "registry:person-list", {}),  # NIKs masked
    ("manajer", "registry:household-list", {"sort": "head_name"}),
    ("manajer", "complaints:list", {}),
    ("manajer", "complaints:list", {"sort": "assigned_to"}),
    ("manajer", "referrals:list", {}),
    ("dinkes", "referrals:list", {}),
]


def same(a: str, b: str) -> bool:
    """a == b; when not, the first difference is shown."""
    if a != b:
        i = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        print("first difference at", i, "\n", a[max(0, i - 300) : i + 300], "\n", b[max(0, i - 300) : i + 300])
    return a == b


def normalized(html: str) -> str:
    html = re.sub(r"\s+", " ", str(html))
    html = re.sub(r">\s+", ">", html)
    html = re.sub(r"\s+<", "<", html)
    return html.replace("<td >", "<td>")


@pytest.fixture
def rows(users, directory):  # noqa: F811
    household = HouseholdFactory(region_id=WATES)
    head = PersonFactory(
        full_name="Bambang <b>Wibowo</b>",
        household=household,
        relationship=Relationship.HEAD,
        region_id=WATES,
        status=VerificationStatus.VERIFIED,
        sex="L",
    )
    PersonFactory(
        full_name="Siti Aminah",
        nik=None,
        needs_civil_documents=True,
        household=household,
        relationship=Relationship.SPOUSE,
        region_id=WATES,
        sex="P",
        birth_date=None,
    )
    DisabilityProfile.objects.create(person=head, types=["fisik"])
    assigned = make_complaint(users["loket"], subject=head)
    from complaints import services

    services.complaint_assign(assigned, officer=users["kel.wates"], acting_user=users["manajer"])
    make_complaint(users["loket"])
    sent(users["loket"], directory["pbi"], person=head)
    overdue = sent(users["loket"], directory["pbi"], complaint=assigned)
    type(overdue).objects.filter(pk=overdue.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=3))


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(("username", "url_name", "query"), LISTS)
def test_the_table_rows_are_those_django_tables2_renders(rows, users, client_for, username, url_name, query, language):
    page = client_for(users[username]).get(reverse(url_name), query, HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    table, request = page.context["table"], page.wsgi_request
    assert table.template_name == "includes/fast_table.html"
    with translation.override(language):
        table._counter = itertools.count()  # rows are numbered as they are rendered (odd/even): start again
        fast = get_template("includes/fast_table.html").render({"table": table, "request": request}, request)
        table._counter = itertools.count()
        plain = get_template(table.base_template).render({"table": table, "request": request}, request)
    assert same(normalized(fast), normalized(plain))
    assert "<tbody" in fast and ("<td>" in fast or "<td " in fast)
    assert "<b>Wibowo" not in fast  # escaped like django-tables2 does


FILTERED = [
    ("manajer", "registry:person-list", ""),
    (
        "manajer",
        "registry:person-list",
        "q=siti&status=verified&region=35.76.02.1010&without_nik=true&decile=3&program=pkh&ppks={ppks}",
    ),
    ("kel.wates", "registry:person-list", "region=35.76.02.1010&sex=P&disability=fisik"),
    ("manajer", "registry:household-list", "q=bambang&region=35.76.02.1010&status=draft"),
    ("manajer", "complaints:list", "status=baru&mine=on&received_from=01/02/2026&sla=terlambat&channel=telepon"),
    ("manajer", "complaints:list", "region=99.99&received_to=kemarin"),  # errors: crispy-forms renders those fields
    ("manajer", "referrals:list", "overdue=on&status=dikirim"),
    ("dinkes", "referrals:list", "status=diterima&q=ADU"),
]


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(("username", "url_name", "query"), FILTERED)
def test_the_filter_forms_are_those_crispy_forms_renders(users, client_for, username, url_name, query, language):
    clear_reference_cache()
    query = query.format(ppks=PpksCategory.objects.get(code=9).pk)
    page = client_for(users[username]).get(reverse(url_name) + "?" + query, HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    form = page.context["filter"].form
    with translation.override(language):
        for field in form:
            assert same(normalized(render_field(field)), normalized(as_crispy_field(field))), field.name
    text = page.text
    for field in form:  # the page shows every field, with its label
        assert f'id="div_id_{field.name}"' in text and str(field.label) in text


def test_the_filter_choices_are_the_users_kelurahan_and_an_other_one_is_refused(users, client_for):
    clear_reference_cache()
    page = client_for(users["kel.wates"]).get(reverse("registry:person-list"), {"region": "35.76.03.1001"})
    form = page.context["filter"].form
    assert [code for code, _ in form.fields["region"].choices if code] == [WATES]
    assert "region" in form.errors
    page = client_for(users["manajer"]).get(reverse("registry:person-list"), {"region": "35.76.03.1001"})
    assert page.context["filter"].is_valid()
    assert len([c for c, _ in page.context["filter"].form.fields["region"].choices if c]) > 1
