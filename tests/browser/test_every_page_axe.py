"""axe-core on every page the four everyday roles reach from their home page (one page of each
kind, found by the crawl guard's crawler on the demo data): no serious or critical violation."""

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from onegate.accounts.models import User
from tests.browser.test_roles import log_in, serious_violations
from tests.core.test_crawl import crawl

pytestmark = pytest.mark.browser
TABLET = {"width": 820, "height": 1180}


def is_page(url: str) -> bool:
    """Not a download (ekspor.csv, a PDF): those are not pages for axe."""
    path = urlsplit(url).path
    return "." not in path.rsplit("/", 1)[-1] and "/unduh/" not in path


def test_every_page_the_four_roles_reach_is_accessible(demo_site, browser):
    # Statistics, as autovacuum keeps them: without them the duplicates page takes minutes.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    problems = []
    for username in ("manajer", "loket", "kel.wates", "dinkes"):
        client = Client()
        client.force_login(User.objects.get(username=username), backend="onegate.accounts.backends.ModelBackend")
        pages = [url for url, (status, *_rest) in crawl(client, per_kind=1).items() if status == 200 and is_page(url)]
        page = browser.new_context(viewport=TABLET).new_page()
        log_in(page, demo_site.url, username)
        for url in pages:
            try:
                response = page.goto(demo_site.url + url)
            except PlaywrightError as exc:  # an attachment served as a download
                if "Download is starting" in str(exc):
                    continue
                raise
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            problems += [f"{username} {url}: {v}" for v in serious_violations(page)]
        page.context.close()
    assert problems == [], "\n".join(problems)
