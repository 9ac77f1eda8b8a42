"""Reports in chromium: a manager asks for a report, watches its progress bar and downloads it
(through the real Celery worker); the dashboard and every reports page pass axe-core."""

import uuid
from datetime import timedelta
from io import BytesIO

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from onegate.celery import app
from reports import services
from reports.models import ReportRequest, ReportStatus, ReportType
from tests.browser.test_roles import log_in, serious_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def parked_queue(celery_worker_queue):
    """While in use, reports are sent to a queue no worker reads (as if Redis lost the message)."""
    queue = f"onegate-parked-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    yield queue
    app.conf.task_default_queue = celery_worker_queue
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)


@pytest.mark.celery
def test_a_manager_asks_for_a_report_watches_its_progress_and_downloads_it(
    demo_site, browser, celery_worker_queue, parked_queue
):
    page = browser.new_page()
    log_in(page, demo_site.url, "manajer")
    page.locator("[data-nav=reports]").click()
    expect(page.locator("#report-kinds")).to_be_visible()
    assert serious_violations(page) == []
    page.locator(f"[data-kind={ReportType.DISABILITY_RECAP}]").click()
    expect(page.locator("#report-form")).to_be_visible()
    assert serious_violations(page) == []
    page.locator("#id_area").select_option("35.76.02")
    page.locator("#report-form button[type=submit]").click()
    # Queued: no worker has it yet, and the page says so with its progress bar.
    expect(page.locator("#report-progress-bar")).to_be_visible()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", ReportStatus.QUEUED)
    assert serious_violations(page) == []
    report = ReportRequest.objects.get()
    app.conf.task_default_queue = celery_worker_queue
    # The message went nowhere; the sweep sends the request again, to the worker. The page polls
    # its progress and shows the download once the PDF is ready.
    assert services.sweep(now=timezone.now() + timedelta(seconds=settings.JOBS_RESEND_SECONDS + 1))["resent"] == 1
    expect(page.locator("#report-download")).to_be_visible(timeout=90_000)
    assert serious_violations(page) == []
    try:
        with page.expect_download() as download:
            page.locator("#report-download").click()
        reader = PdfReader(BytesIO(open(download.value.path(), "rb").read()))
        text = "\n".join(p.extract_text() for p in reader.pages)
        assert (
            settings.OFFICE_NAME.upper() in text
            and "Wates" in text
            and "Prajuritkulon" not in text.split("Magersari", 1)[1]
        )
        page.locator("#report-xlsx").is_visible()
        page.goto(demo_site.url + reverse("reports:list"))
        expect(page.locator(f"[data-report='{report.pk}'] [data-status]")).to_have_attribute(
            "data-status", ReportStatus.READY
        )
        assert serious_violations(page) == []
    finally:
        report.refresh_from_db()
        if report.file_path:
            services.file_of(report).unlink(missing_ok=True)


def test_the_report_form_explains_its_errors(demo_site, browser):
    page = browser.new_page()
    log_in(page, demo_site.url, "manajer")
    page.goto(demo_site.url + reverse("reports:new", args=[ReportType.SERVICE_RECAP]))
    assert serious_violations(page) == []
    page.locator("#id_period_start").fill("31/03/2026")
    page.locator("#id_period_end").fill("01/03/2026")
    page.locator("#report-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#id_period_start")).to_have_value("31/03/2026")  # what was typed is kept
    assert page.title().startswith(("Galat:", "Error:"))
    assert serious_violations(page) == []
    page.goto(demo_site.url + reverse("reports:new", args=[ReportType.BENEFICIARY_LIST]))
    assert serious_violations(page) == []


@pytest.mark.parametrize("username", ["manajer", "loket", "kel.wates", "dinkes"])
def test_the_dashboard_is_accessible_for_each_role(demo_site, browser, username):
    page = browser.new_page()
    log_in(page, demo_site.url, username)
    expect(page.locator("#dashboard")).to_be_visible()
    expect(page.locator("#dashboard h3").first).to_be_visible()  # a chart, or "nothing to show yet"
    assert serious_violations(page) == []


def test_the_dashboard_fits_a_tablet(demo_site, browser):
    page = browser.new_context(viewport={"width": 820, "height": 1180}).new_page()
    log_in(page, demo_site.url, "manajer")
    expect(page.locator("#dashboard")).to_be_visible()
    # No chart is wider than the screen.
    widths = page.locator("#dashboard svg").evaluate_all("svgs => svgs.map(s => s.getBoundingClientRect().right)")
    assert max(widths) <= 820
    # Nor the page: the charts' tables for screen readers once made it 1164 px wide, scrolling sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 820
    assert serious_violations(page) == []
