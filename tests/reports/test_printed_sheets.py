"""What the printed reports say, read back from their PDFs: the profile sheet's NIK follows one rule
(registry.privacy) in its header and its body and lists the assistive devices; the recaps print
their total row once, at the end, and their footnotes name columns that exist."""

import re

import pytest

from registry.models import AssistiveDevice, DisabilityProfile
from registry.nik import mask_nik
from reports.models import ReportType

from .conftest import data_table, pdf_of, pdf_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username, sees_whole_nik", [("manajer", True), ("kel.wates", True), ("loket", False)])
def test_the_profile_sheet_shows_the_nik_one_way_in_its_header_and_its_body(
    users, registry_data, render, username, sees_whole_nik
):
    ani = registry_data["ani"]
    text = pdf_text(render(users[username], ReportType.PERSON_PROFILE, person=ani))
    shown, hidden = (ani.nik, mask_nik(ani.nik)) if sees_whole_nik else (mask_nik(ani.nik), ani.nik)
    assert text.count(shown) == 2  # the header's parameters and the identity table
    assert hidden not in text


def test_the_profile_sheet_lists_the_assistive_devices_needed_and_owned(users, registry_data, render):
    ani = registry_data["ani"]
    DisabilityProfile.objects.filter(person=ani).update(
        devices_needed=[AssistiveDevice.WHEELCHAIR, AssistiveDevice.HEARING_AID],
        devices_owned=[AssistiveDevice.CRUTCHES],
    )
    text = " ".join(pdf_text(render(users["kel.wates"], ReportType.PERSON_PROFILE, person=ani)).split())
    assert "Alat bantu yang dibutuhkan Kursi roda, Alat bantu dengar" in text
    assert "Alat bantu yang dimiliki Kruk" in text


def test_the_ppks_recap_prints_its_total_row_once_on_its_last_page(users, registry_data, render):
    report = render(users["manajer"], ReportType.PPKS_RECAP, regions=["35.76"])
    pages = [page.extract_text() for page in pdf_of(report).pages]
    assert len(pages) >= 2  # 26 categories under the chart: the table goes over a page
    totals = [n for n, text in enumerate(pages) if re.search(r"^Jumlah( \d+)+$", text, re.M)]
    assert totals == [len(pages) - 1]


def test_the_disability_recaps_footnote_names_a_column_of_its_table(users, registry_data, render):
    report = render(users["manajer"], ReportType.DISABILITY_RECAP, regions=["35.76"])
    text = " ".join(pdf_text(report).split())
    headers = data_table(report)["headers"]
    assert "Penduduk" in headers
    assert "kolom Penduduk menghitung setiap orang sekali" in text
