"""Each kind of report renders the right figures for a known registry (read back from the PDF's
text), holds only what its requester may see, and is a tagged A4 PDF with the letterhead."""

import re

import pytest
from django.http import Http404

from registry.models import PpksCategory
from reports.models import ReportStatus, ReportType
from tests.conftest import KRANGGAN, WATES

from .conftest import PAGE_X_OF_Y, data_row, data_table, pdf_of, pdf_text

pytestmark = pytest.mark.django_db

A4 = (595, 842)


def line(*cells) -> re.Pattern:
    return re.compile(r"\s+".join(re.escape(str(c)) for c in cells))


def test_the_disability_recap_counts_per_kelurahan_type_and_severity(users, registry_data, render):
    report = render(users["manajer"], ReportType.DISABILITY_RECAP, regions=["35.76"])
    assert report.status == ReportStatus.READY
    #                         fisik intel mental netra rungu wicara | ringan sedang berat | several people
    assert data_row(report, WATES)[3:] == [2, 0, 0, 1, 0, 0, 1, 0, 1, 1, 2]
    assert data_row(report, KRANGGAN)[3:] == [0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1]
    text = pdf_text(report)
    assert line("Wates", "Magersari", 2, 0, 0, 1, 0, 0, 1, 0, 1, 1, 2).search(text)
    assert line("Kranggan", "Kranggan", 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1).search(text)
    assert line(2, 0, 0, 1, 1, 0, 1, 1, 1, 1, 3).search(text)  # the total row
    # The chart's table: physical 2 (1 mild, 1 severe), hearing 1 (moderate).
    assert report.page_count == len(pdf_of(report).pages)


def test_not_yet_verified_records_count_only_when_asked(users, registry_data, render):
    report = render(users["manajer"], ReportType.DISABILITY_RECAP, regions=[WATES], include_unverified=True)
    assert data_row(report, WATES)[3:] == [
        2,
        0,
        1,
        1,
        0,
        0,
        1,
        1,
        1,
        1,
        3,
    ]  # Citra (a draft) counted; Dedi (deceased) never
    assert [row[0] for row in data_table(report)["rows"]] == [WATES]


def test_a_kelurahan_officers_recap_holds_only_their_kelurahan(users, registry_data, render):
    report = render(users["kel.wates"], ReportType.DISABILITY_RECAP)
    assert report.scope_region_id == WATES and report.regions == []
    assert [row[0] for row in data_table(report)["rows"]] == [WATES]
    text = pdf_text(report)
    assert "Kranggan" not in text
    assert line("Wates", "Magersari", 2, 0, 0, 1, 0, 0, 1, 0, 1, 1, 2).search(text)


def test_a_region_outside_the_requesters_scope_is_refused(users, registry_data, render):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        render(users["kel.wates"], ReportType.DISABILITY_RECAP, regions=[KRANGGAN])


def test_the_ppks_recap_counts_active_records_per_category_and_kecamatan(users, registry_data, render):
    report = render(users["manajer"], ReportType.PPKS_RECAP, regions=["35.76"])
    headers = data_table(report)["headers"]
    assert headers[2:5] == ["Prajuritkulon (35.76.01)", "Magersari (35.76.02)", "Kranggan (35.76.03)"]
    first, second, third = (PpksCategory.objects.get(code=n).name for n in (1, 2, 3))
    assert data_row(report, first)[2:] == [0, 1, 1, 2, 0]
    assert data_row(report, second)[2:] == [0, 0, 0, 0, 1]  # handled: its own column
    assert data_row(report, third)[2:] == [0, 0, 1, 1, 0]
    text = pdf_text(report)
    assert line(1, first, 0, 1, 1, 2, 0).search(text)
    assert line(3, third, 0, 0, 1, 1, 0).search(text)


def test_a_kelurahan_officers_ppks_recap_has_one_column_their_kelurahan(users, registry_data, render):
    report = render(users["kel.wates"], ReportType.PPKS_RECAP)
    first = PpksCategory.objects.get(code=1).name
    assert data_table(report)["headers"][2] == f"Wates ({WATES})"
    assert data_row(report, first)[2:] == [1, 1, 0]
    assert all(row[2] == 0 for row in data_table(report)["rows"] if row[0] == 3)  # Fajar lives in Kranggan


def test_the_person_profile_shows_the_person_and_what_the_requester_may_see(users, registry_data, render):
    ani = registry_data["ani"]
    report = render(users["manajer"], ReportType.PERSON_PROFILE, person=ani)
    text = pdf_text(report)
    assert "Ani Wates" in text and ani.nik in text
    assert "04/03/1980" in text
    assert line("Fisik").search(text) and ani.household.address in text
    assert PpksCategory.objects.get(code=1).name in text


def test_the_person_profile_masks_the_nik_for_the_front_desk(users, registry_data, render):
    ani = registry_data["ani"]
    text = pdf_text(render(users["loket"], ReportType.PERSON_PROFILE, person=ani))
    assert "Ani Wates" in text and ani.nik not in text and f"{ani.nik[:4]}********{ani.nik[12:]}" in text


def test_a_profile_of_a_person_outside_the_scope_cannot_be_asked_for(users, registry_data, render):
    with pytest.raises(Http404):
        render(users["kel.kranggan"], ReportType.PERSON_PROFILE, person=registry_data["ani"])


def test_every_report_is_a_tagged_a4_pdf_with_letterhead_title_language_and_page_numbers(
    users, registry_data, render, settings
):
    for report_type, size in ((ReportType.DISABILITY_RECAP, A4[::-1]), (ReportType.PERSON_PROFILE, A4)):
        extra = {"person": registry_data["ani"]} if report_type == ReportType.PERSON_PROFILE else {}
        report = render(users["manajer"], report_type, **extra)
        reader = pdf_of(report)
        root = reader.trailer["/Root"]
        assert root["/Lang"] == settings.LANGUAGE_CODE
        assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
        assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()
        assert reader.metadata.title
        for number, page in enumerate(reader.pages, start=1):
            assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == size
            assert PAGE_X_OF_Y.search(page.extract_text()).groups() == (str(number), str(len(reader.pages)))
        first = reader.pages[0].extract_text()
        assert settings.OFFICE_NAME.upper() in first and settings.OFFICE_ADDRESS in first
        assert reader.metadata.title in first
        assert users["manajer"].get_full_name() in first  # generated by
