"""The crawl guard: each demo account, on the demo data, follows every link it can reach from its
home page (same-origin GET links, no form submitted) and finds no page answering 500 and no link to
a page that refuses it.

It would have caught the audit trail's 500 and the verification queue that hid households: a page
nobody's test opened. Bounded to stay well under two minutes: at most ``PER_KIND`` pages of one kind
(the same view with the same query parameters: a person's page, a page of a list) and ``PER_ROLE``
pages per account.
"""

import os
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import Resolver404, resolve

from onegate.accounts.models import User

DEMO_ACCOUNTS = ["admin", "manajer", "loket", "kel.wates", "kel.kranggan", "dinkes", "disdukcapil"]
PER_KIND = 2
PER_ROLE = 200
# Not pages: signing out and switching the language are forms (POST) anyway; Django's admin is
# crawled only to its index (its own tests cover it, and its changelists are not our pages).
SKIPPED_PREFIXES = ("/static/", "/media/", "/akun/keluar/", "/i18n/", "/admin/")
# Links that may answer 404 or 403 to the account that sees them: none. A link the portal shows to a
# user and then refuses is a dead end for that user.
ALLOWED_REFUSALS: dict[tuple[str, str], str] = {}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_in(html: str, here: str) -> list[str]:
    """Same-origin paths (with their query) linked from ``html``, fragments dropped."""
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        href = urldefrag(href).url
        parts = urlsplit(href)
        if parts.scheme in ("mailto", "tel", "javascript") or (parts.netloc and parts.netloc != "testserver"):
            continue
        if not parts.path and parts.query:  # "?page=2": the same path
            href = urlsplit(here).path + "?" + parts.query
        elif not parts.path:
            continue
        elif not parts.path.startswith("/"):
            continue  # relative paths: the portal writes none
        else:
            href = parts.path + (f"?{parts.query}" if parts.query else "")
        found.append(href)
    return found


def kind_of(url: str) -> tuple:
    """The view and its query: pages of one kind differ only by numbers (a record's id, a page)
    and free text; a choice in the query (a tab, a status, a sort) makes another kind."""
    parts = urlsplit(url)
    try:
        view = resolve(parts.path).view_name
    except Resolver404:
        view = parts.path
    if "." in parts.path.rsplit("/", 1)[-1]:
        return (view,)  # a download (ekspor.csv?filters): one of each is enough
    query = parse_qsl(parts.query, keep_blank_values=True)
    return view, tuple(sorted({(k, "" if v.isdigit() or " " in v else v) for k, v in query}))


def crawl(client: Client, start: str = "/", per_kind: int = PER_KIND) -> dict:
    """Breadth first from ``start``: {url: (status, redirect target or None, first page linking it)}."""
    seen: dict[str, tuple] = {}
    queue = [(start, None)]
    kinds: Counter = Counter()
    while queue and len(seen) < PER_ROLE:
        url, linked_from = queue.pop(0)
        if url in seen or url.startswith(SKIPPED_PREFIXES):
            continue
        kind = kind_of(url)
        if kinds[kind] >= per_kind:
            continue
        kinds[kind] += 1
        response = client.get(url)
        target = response.get("Location") if response.status_code in (301, 302) else None
        seen[url] = (response.status_code, target, linked_from)
        if target:
            queue.append((target, url))
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith("text/html") and not response.streaming:
            queue.extend((link, url) for link in links_in(response.content.decode(), url))
    return seen


@pytest.fixture
def demo_data(db):
    """The demo data, loaded as ``manage.py seed_demo`` does (about 20 s), in the test's transaction."""
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    # Statistics, as autovacuum keeps them on a real database: without them PostgreSQL planned the
    # duplicates page over the freshly seeded tables as if they were empty (minutes, not milliseconds).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def test_every_page_each_demo_account_reaches_answers(demo_data):
    problems = []
    for username in DEMO_ACCOUNTS:
        client = Client()
        client.force_login(User.objects.get(username=username), backend="onegate.accounts.backends.ModelBackend")
        pages = crawl(client)
        assert len(pages) > 3, (username, pages)
        for url, (status, _target, linked_from) in pages.items():
            broken = status not in (200, 301, 302, 403, 404)
            refused = status in (403, 404) and (username, kind_of(url)[0]) not in ALLOWED_REFUSALS
            if broken or refused:
                problems.append(f"{username}: {url} answered {status} (linked from {linked_from})")
    assert problems == [], "\n".join(problems)
