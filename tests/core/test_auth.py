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
