import re
from datetime import timedelta

import pytest
from axes.models import AccessFailureLog
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.conftest import KRANGGAN
from tests.factories import PersonFactory

PASSWORD = "rahasia-uji-123"


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_and_logout(users, client):
    response = login(client, "kel.wates", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_a_wrong_password_keeps_the_username_and_is_logged(users, client, caplog):
    response = login(client, "kel.wates", "salah")
    assert response.status_code == 200
    assert 'value="kel.wates"' in response.content.decode()
    assert AccessFailureLog.objects.filter(username="kel.wates").count() == 1
    assert any("login failed username=kel.wates" in r.getMessage() for r in caplog.records)


def test_repeated_failures_lock_the_username_on_that_address(users, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "kel.wates", "salah")
    locked = login(client, "kel.wates", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode() or "Terlalu banyak" in locked.content.decode()
    # Another officer behind the same office address is not locked out.
    assert login(client, "kel.kranggan", PASSWORD).status_code == 302


def idle(client, seconds):
    """As if the session's last renewal was ``seconds`` ago: its expiry in the database moves back,
    and its copy in the cache (whose lifetime is the idle timeout too) is gone once that passed."""
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX
    from django.core.cache import cache

    key = client.cookies["sessionid"].value
    session = Session.objects.get(session_key=key)
    data = session.get_decoded()
    data["_renewed_at"] -= seconds
    Session.objects.filter(pk=key).update(
        session_data=Session.objects.encode(data), expire_date=session.expire_date - timedelta(seconds=seconds)
    )
    cache.delete(KEY_PREFIX + key)  # the cached copy is read again from the database


def test_an_idle_session_expires(users, client, settings):
    login(client, "loket", PASSWORD)
    client.get(reverse("home"))
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    idle(client, 30 * 60 + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_activity_extends_the_session_without_writing_it_on_every_request(users, client):
    login(client, "loket", PASSWORD)
    client.get(reverse("home"))
    saved = Session.objects.get().expire_date
    client.get(reverse("home"))
    assert Session.objects.get().expire_date == saved  # a second page within the minute writes nothing
    idle(client, 29 * 60)
    client.get(reverse("home"))  # activity after 29 idle minutes renews the session
    assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=29)


def test_password_change(users, client):
    login(client, "manajer", PASSWORD)
    bad = client.post(reverse("password_change"), {"old_password": "salah", "new_password1": "x", "new_password2": "y"})
    assert bad.status_code == 200 and bad.context["form"].errors
    good = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Mojokerto-aman-2026", "new_password2": "Mojokerto-aman-2026"},
    )
    assert good.status_code == 302
    client.post(reverse("logout"))
    assert login(client, "manajer", "Mojokerto-aman-2026").status_code == 302


@pytest.mark.parametrize("role_field", [{"role": "agency"}, {"role": "kelurahan", "region_id": "35.76"}])
def test_a_user_without_the_scope_their_role_needs_is_invalid(users, role_field):
    from django.core.exceptions import ValidationError

    user = users["loket"]
    for key, value in role_field.items():
        setattr(user, key, value)
    with pytest.raises(ValidationError):
        user.full_clean()


# The signed-in user is cached between requests (onegate.accounts.backends): a change must still
# count from the very next request.
def test_a_deactivated_user_is_signed_out_at_their_next_request(users, client_for):
    client = client_for(users["kel.wates"])
    assert client.get(reverse("home")).status_code == 200  # cached now
    users["kel.wates"].is_active = False
    users["kel.wates"].save()
    assert client.get(reverse("home")).status_code == 302


def test_a_new_scope_counts_from_the_next_request(users, client_for):
    kranggan_person = PersonFactory(region_id=KRANGGAN)
    client = client_for(users["kel.wates"])
    assert client.get(kranggan_person.get_absolute_url()).status_code == 404
    users["kel.wates"].region_id = KRANGGAN
    users["kel.wates"].save()
    assert client.get(kranggan_person.get_absolute_url()).status_code == 200


def test_an_agency_change_counts_from_the_next_request(users, client_for):
    client = client_for(users["dinkes"])
    agency = users["dinkes"].agency
    assert agency.name in client.get(reverse("home")).content.decode()
    agency.name = "Dinas Kesehatan Baru"
    agency.save()
    assert "Dinas Kesehatan Baru" in client.get(reverse("home")).content.decode()


# --- Passwords ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "new_password, message",
    [
        ("aaaaaaaaaaaa", "too few different characters"),  # 12 characters, one repeated
        ("abababababababab", "too few different characters"),
        ("Kota-2026", "too short"),  # 9 characters
        ("manajer2026!", "too similar"),  # the username
        ("password1234", "too common"),
    ],
)
def test_a_weak_new_password_is_refused_with_a_clear_message(users, client, new_password, message):
    login(client, "manajer", PASSWORD)
    client.cookies["django_language"] = "en"
    page = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert page.status_code == 200
    errors = " ".join(page.context["form"].errors["new_password2"])
    assert message in errors, errors


def test_the_repeated_password_message_is_in_indonesian(users, client):
    login(client, "manajer", PASSWORD)
    page = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "aaaaaaaaaaaa", "new_password2": "aaaaaaaaaaaa"},
    )
    assert "terlalu sedikit karakter yang berbeda" in " ".join(page.context["form"].errors["new_password2"])


# --- Password spraying: one address, one password, many usernames --------------------------------
def test_an_address_failing_on_many_usernames_is_throttled(users, client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    for number in range(7):  # one guess per username: no username reaches its own limit
        assert login(client, f"pegawai{number}", "Password123!").status_code == 200
    assert login(client, "pegawai7", "Password123!").status_code == 429  # the eighth failure
    throttled = login(client, "kel.wates", PASSWORD)  # even the right password of a real account
    assert throttled.status_code == 429
    assert "_auth_user_id" not in client.session
    # The page is the same whichever username was tried: it says nothing about which ones exist.
    unknown = login(client, "tidak-ada", "Password123!")
    assert unknown.status_code == 429
    assert page_text(throttled, "kel.wates") == page_text(unknown, "tidak-ada")


def page_text(response, username):
    """The page as sent, less the username typed and the form's CSRF token (new on every page)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode().replace(username, ""))


def test_the_address_throttle_follows_the_client_behind_the_proxy(users, client, settings, caplog):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    settings.PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for number in range(3):
        client.post(
            reverse("login"),
            {"username": f"pegawai{number}", "password": "x"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
            **proxy,
        )
    spoofed = client.post(
        reverse("login"),
        {"username": "kel.wates", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7",  # a made-up left part changes nothing
        **proxy,
    )
    assert spoofed.status_code == 429
    assert "login failed username=kel.wates ip=203.0.113.7" in caplog.text  # the client, not the proxy
    other = client.post(
        reverse("login"), {"username": "kel.wates", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy
    )
    assert other.status_code == 302  # another client behind the same proxy signs in


def test_an_office_of_officers_mistyping_once_each_is_not_throttled(users, client, settings):
    for username in ("kel.wates", "kel.kranggan", "loket", "manajer"):
        login(client, username, "salah")
    assert login(client, "kel.wates", PASSWORD).status_code == 302


# --- Absolute session lifetime ----------------------------------------------------------------------
def signed_in_ago(client, seconds):
    """As if the session was signed in ``seconds`` ago (and renewed just now: it is active)."""
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX
    from django.core.cache import cache

    from onegate.web.middleware import SessionRenewalMiddleware

    key = client.cookies["sessionid"].value
    session = Session.objects.get(session_key=key)
    data = session.get_decoded()
    data[SessionRenewalMiddleware.SIGNED_IN_AT] -= seconds
    Session.objects.filter(pk=key).update(session_data=Session.objects.encode(data))
    cache.delete(KEY_PREFIX + key)


def test_an_active_session_ends_after_its_absolute_lifetime(users, client, settings):
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    login(client, "loket", PASSWORD)
    signed_in_ago(client, 12 * 3600 - 60)
    assert client.get(reverse("home")).status_code == 200  # active, within the 12 hours
    signed_in_ago(client, 61)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Session.objects.filter(session_key=client.cookies["sessionid"].value).exists() or (
        "_auth_user_id" not in client.session
    )
