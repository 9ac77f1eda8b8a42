"""Deny by default: every URL pattern of the portal needs a login (Django's LoginRequiredMiddleware),
except the pages on the explicit public list below, each marked @login_not_required in its view.
The test walks the whole URL configuration, so a page added without thought is caught here."""

import re
import uuid

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern

pytestmark = pytest.mark.django_db

# The pages anyone may open, by URL name. Adding one here is a decision: say why in its view.
PUBLIC = {
    "login",  # the login form itself
    "healthz",  # the load balancer's probe
    "set_language",  # the language switch on the login and residents' pages
    "complaints-public:form",  # /lapor/pengaduan/: residents' online complaint
    "complaints-public:sent",
    "complaints-public:status",  # /lapor/pengaduan/status/: ticket + phone status check
    "complaints-public:stop",  # /lapor/pengaduan/status/berhenti/: stop messages, ticket + phone again
    "notices:provider-callback",  # /pesan/penyedia/: the SMS/WhatsApp provider's signed receipts
    "selfreport:form",  # /lapor/disabilitas/: disability self-report
    "selfreport:thanks",
    "referrals-public:verify",  # /verifikasi-surat/<code>/: a letter's QR check, no personal data
    "admin:login",  # the admin's own login form (Django's, already public)
}

SAMPLE_BY_CONVERTER = {"int": "1", "slug": "x", "str": "x", "path": "x/y", "uuid": str(uuid.UUID(int=1))}


def route_sample(route: str) -> str:
    """A concrete path for a path() route: each <converter:name> replaced by a value it accepts."""
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_BY_CONVERTER[m.group(1) or "str"], route)


def regex_sample(regex: str) -> str:
    """A concrete path for a re_path() regex (the admin's): each group replaced by its first
    alternative, or "1" when it asks for digits, "x" otherwise."""
    regex = regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")

    def group(m):
        body = m.group(1)
        if body.startswith(r"\d"):
            return "1"
        if re.fullmatch(r"[\w|-]+", body):
            return body.split("|")[0]
        return "x"

    return re.sub(r"\(\?P<\w+>((?:[^()]|\([^()]*\))*)\)", group, regex).replace("\\", "")


def sample(pattern) -> str:
    return route_sample(str(pattern)) if isinstance(pattern, RoutePattern) else regex_sample(pattern.regex.pattern)


def every_pattern(resolver=None, prefix="", namespace=""):
    """(URL name with its namespaces, a concrete path, the view) for every pattern, recursively."""
    for entry in (resolver or get_resolver()).url_patterns:
        path = prefix + sample(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from every_pattern(entry, path, inner)
        else:
            assert isinstance(entry, URLPattern)
            yield (f"{namespace}{entry.name}" if entry.name else None), "/" + path, entry.callback


PATTERNS = list(every_pattern())


def test_the_middleware_denies_by_default():
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE
    auth = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert settings.MIDDLEWARE.index("django.contrib.auth.middleware.LoginRequiredMiddleware") > auth


def test_the_walk_sees_the_whole_portal():
    names = {name for name, _path, _view in PATTERNS}
    assert {"home", "registry:person-list", "admin:index", *PUBLIC} <= names
    assert len(PATTERNS) > 100


def test_every_public_page_is_on_the_list_and_every_listed_page_is_public():
    public = {name for name, _path, view in PATTERNS if not getattr(view, "login_required", True)}
    assert public == PUBLIC


@pytest.mark.parametrize(("name", "path"), [(name, path) for name, path, _view in PATTERNS], ids=lambda v: v)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, name, path):
    # The admin's pages send to the admin's own login form, every other page to the portal's.
    login_urls = (resolve_url(settings.LOGIN_URL), reverse("admin:login"))
    match = resolve(path)
    response = client.get(path)
    if (match.view_name if match.url_name else None) in PUBLIC:
        assert not response.get("Location", "").startswith(login_urls), (name, path)
        return
    assert response.status_code == 302, (name, path, response.status_code)
    assert response["Location"].startswith(tuple(url + "?next=" for url in login_urls)), (
        name,
        path,
        response["Location"],
    )
