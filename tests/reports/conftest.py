"""A small known registry for the reports: people with disabilities and PPKS records in Wates and
Kranggan, and helpers to request a report and render it in this process (no Celery)."""

import datetime
import re
from io import BytesIO

import pytest
from pypdf import PdfReader

from registry.models import (
    DisabilityProfile,
    LifeStatus,
    PersonPpks,
    PpksCategory,
    PpksStatus,
    VerificationStatus,
)
from registry.reference import ensure_ppks_categories
from reports import services
from tests.conftest import KRANGGAN, WATES
from tests.factories import HouseholdFactory, PersonFactory

VERIFIED = VerificationStatus.VERIFIED
PAGE_X_OF_Y = re.compile(r"(?:Page|Halaman) (\d+) (?:of|dari) (\d+)")


def person(name, region, *, status=VERIFIED, disability=None, ppks=(), **extra):
    household = HouseholdFactory(region_id=region, address=f"Jl. {name} No. 1", rt="001", rw="002")
    someone = PersonFactory(
        full_name=name, region_id=region, household=household, relationship="kepala", status=status, **extra
    )
    if disability:
        types, severity = disability
        DisabilityProfile.objects.create(person=someone, types=types, severity=severity)
    for code, record_status in ppks:
        PersonPpks.objects.create(person=someone, category=PpksCategory.objects.get(code=code), status=record_status)
    return someone


@pytest.fixture
def registry_data(users):
    """Wates: Ani (physical, severe; PPKS 1 active), Budi (physical + blind, mild; PPKS 2 handled),
    Citra (mental, moderate, a draft), Dedi (physical, deceased). Kranggan: Eko (hearing, moderate;
    PPKS 1 active), Fajar (no disability; PPKS 3 active)."""
    ensure_ppks_categories()
    return {
        "ani": person(
            "Ani Wates",
            WATES,
            disability=(["fisik"], "berat"),
            ppks=[(1, PpksStatus.ACTIVE)],
            birth_date=datetime.date(1980, 3, 4),
        ),
        "budi": person("Budi Wates", WATES, disability=(["fisik", "netra"], "ringan"), ppks=[(2, PpksStatus.HANDLED)]),
        "citra": person("Citra Wates", WATES, status=VerificationStatus.DRAFT, disability=(["mental"], "sedang")),
        "dedi": person("Dedi Wates", WATES, disability=(["fisik"], "berat"), life_status=LifeStatus.DECEASED),
        "eko": person("Eko Kranggan", KRANGGAN, disability=(["rungu"], "sedang"), ppks=[(1, PpksStatus.ACTIVE)]),
        "fajar": person("Fajar Kranggan", KRANGGAN, ppks=[(3, PpksStatus.ACTIVE)]),
    }


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def render(private_media, django_capture_on_commit_callbacks, monkeypatch):
    """``render(user, report_type, **parameters)``: request a report and render it here, as a
    worker would; returns the refreshed request."""
    monkeypatch.setattr(services, "enqueue", lambda pk: None)

    def request_and_run(user, report_type, **parameters):
        with django_capture_on_commit_callbacks(execute=True):
            report = services.request_report(user=user, report_type=report_type, **parameters)
        services.run(report.pk)
        report.refresh_from_db()
        return report

    return request_and_run


def pdf_of(report) -> PdfReader:
    return PdfReader(BytesIO(services.file_of(report).read_bytes()))


def pdf_text(report) -> str:
    return "\n".join(page.extract_text() for page in pdf_of(report).pages)


def data_table(report, index=0) -> dict:
    return report.data["tables"][index]


def data_row(report, first_cell, table=0):
    """The row of the figures behind the report whose first or second cell is ``first_cell``."""
    for row in data_table(report, table)["rows"]:
        if first_cell in row[:2]:
            return row
    raise AssertionError(f"no row {first_cell!r} in {data_table(report, table)['rows']}")
