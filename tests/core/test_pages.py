"""Every core page with an in-scope user, an out-of-scope or wrong-role user, and no user."""

import pytest
from django.urls import reverse

from onegate.accounts.models import DeniedAccess

PAGES_FOR_ALL_STAFF = ["home", "password_change"]


@pytest.mark.parametrize("url_name", ["home", "region-list", "audit:trail", "password_change"])
def test_anonymous_visitors_are_sent_to_login(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "username", ["admin", "manajer", "loket", "kel.wates", "kel.kranggan", "dinkes", "disdukcapil"]
)
def test_every_role_has_a_home_page_and_can_change_password(users, client_for, username):
    client = client_for(users[username])
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert f"web/home/{users[username].role}.html" in [t.name for t in home.templates]
    assert client.get(reverse("password_change")).status_code == 200


def test_home_shows_the_users_own_scope(users, client_for):
    assert "Wates" in client_for(users["kel.wates"]).get(reverse("home")).content.decode()
    body = client_for(users["dinkes"]).get(reverse("home")).content.decode()
    assert "Dinas Kesehatan" in body and "Disdukcapil" not in body


@pytest.mark.parametrize("username, status", [("manajer", 200), ("loket", 200), ("kel.wates", 200), ("dinkes", 403)])
def test_region_list_is_for_dinsos_staff(users, client_for, username, status):
    response = client_for(users[username]).get(reverse("region-list"), {"induk": "35.76"})
    assert response.status_code == status
    if status == 200:
        assert "Magersari" in response.content.decode()


def test_region_list_searches_and_404s_an_unknown_parent(users, client_for):
    client = client_for(users["loket"])
    assert "Kranggan" in client.get(reverse("region-list"), {"q": "krangg"}).content.decode()
    assert client.get(reverse("region-list"), {"induk": "99.99"}).status_code == 404


@pytest.mark.parametrize(
    "username, status", [("admin", 200), ("manajer", 200), ("loket", 403), ("kel.wates", 403), ("dinkes", 403)]
)
def test_audit_trail_is_for_administrators_and_managers(users, client_for, username, status):
    assert client_for(users[username]).get(reverse("audit:trail")).status_code == status


def test_a_refused_page_is_recorded_with_the_user(users, client_for):
    client_for(users["kel.wates"]).get(reverse("audit:trail"))
    denial = DeniedAccess.objects.get()
    assert (denial.username, denial.status, denial.path) == ("kel.wates", 403, reverse("audit:trail"))
    assert denial.request_id


def test_user_trail_answers_404_for_a_user_that_does_not_exist(users, client_for):
    client = client_for(users["manajer"])
    assert client.get(reverse("audit:user-trail", args=[users["kel.wates"].pk])).status_code == 200
    assert client.get(reverse("audit:user-trail", args=[999999])).status_code == 404
    assert DeniedAccess.objects.filter(status=404, username="manajer").exists()
    assert (
        client_for(users["kel.wates"]).get(reverse("audit:user-trail", args=[users["kel.wates"].pk])).status_code == 403
    )


@pytest.mark.parametrize("username, status", [("admin", 200), ("manajer", 302), ("kel.wates", 302)])
def test_django_admin_is_for_administrators(users, client_for, username, status):
    assert client_for(users[username]).get(reverse("admin:index")).status_code == status


def test_admin_user_changelist_and_region_autocomplete_work(users, client_for):
    client = client_for(users["admin"])
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "wates", "app_label": "accounts", "model_name": "user", "field_name": "region"},
    )
    assert "35.76.02.1010" in response.content.decode()


def test_navigation_follows_the_role(users, client_for):
    def nav(username):
        return [item["key"] for item in client_for(users[username]).get(reverse("home")).context["nav_items"]]

    assert nav("admin") == ["home", "directory", "regions", "audit", "admin"]
    assert nav("manajer") == [
        "home",
        "people",
        "households",
        "household-new",
        "verification",
        "duplicates",
        "import",
        "complaints",
        "referrals",
        "unserved",
        "directory",
        "reports",
        "regions",
        "audit",
    ]
    assert nav("loket") == [
        "home",
        "people",
        "households",
        "complaints",
        "complaint-new",
        "desk-queue",
        "referrals",
        "directory",
        "reports",
        "regions",
    ]
    assert nav("kel.wates") == [
        "home",
        "people",
        "households",
        "household-new",
        "verification",
        "import",
        "complaints",
        "referrals",
        "unserved",
        "directory",
        "reports",
        "regions",
    ]
    assert nav("dinkes") == ["home", "referral-inbox", "directory", "reports"]


def test_a_capabilitys_entries_fold_into_one_menu_when_there_are_several(users, client_for):
    def menu(username):
        entries = client_for(users[username]).get(reverse("home")).context["nav_menu"]
        return [(e["key"], [c["key"] for c in e["children"]]) if "children" in e else e["key"] for e in entries]

    manager = menu("manajer")
    assert ("registry", ["people", "households", "household-new", "verification", "duplicates", "import"]) in manager
    assert "audit" in manager
    desk = menu("loket")
    assert ("registry", ["people", "households"]) in desk
    assert "directory" in menu("admin")  # a group of one stays a plain entry
    assert ("complaints", ["complaints", "complaint-new", "desk-queue"]) in desk
