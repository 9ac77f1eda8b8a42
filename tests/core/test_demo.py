import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from onegate.accounts.models import Role, User
from onegate.demo import DEFAULT_DEMO_PASSWORD

EXPECTED = {
    "admin": (Role.ADMIN, None, None),
    "manajer": (Role.MANAGER, "35.76", None),
    "manajer.magersari": (Role.MANAGER, "35.76.02", None),  # Kecamatan Magersari, Wates within it
    "loket": (Role.FRONT_DESK, "35.76", None),
    "kel.wates": (Role.KELURAHAN, "35.76.02.1010", None),
    "kel.kranggan": (Role.KELURAHAN, "35.76.03.1001", None),
    "dinkes": (Role.AGENCY, None, "dinkes"),
    "disdukcapil": (Role.AGENCY, None, "disdukcapil"),
}


@pytest.mark.django_db
def test_seed_demo_creates_the_documented_accounts_and_is_idempotent(capsys, rf):
    call_command("seed_demo")
    call_command("seed_demo")
    assert "accounts: 0 created, 8 already there" in capsys.readouterr().out
    accounts = {u.username: (u.role, u.region_id, u.agency.code if u.agency else None) for u in User.objects.all()}
    assert accounts == EXPECTED
    request = rf.post("/akun/masuk/")
    assert authenticate(request, username="kel.wates", password=DEFAULT_DEMO_PASSWORD) is not None


@pytest.mark.django_db
def test_running_again_keeps_a_changed_password(capsys):
    call_command("seed_demo")
    user = User.objects.get(username="loket")
    user.set_password("sudah-diganti-2026")
    user.save()
    call_command("seed_demo")
    user.refresh_from_db()
    assert user.check_password("sudah-diganti-2026")


def test_the_readme_and_the_run_script_list_every_demo_account():
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    readme, run = (root / "README.md").read_text(), (root / "scripts/run.sh").read_text()
    for username in EXPECTED:
        assert f"| `{username}` |" in readme, username
        assert f"\n    {username} " in run, username
