"""The record of processing (UU 27/2022 Pasal 31) is generated from what the apps register:
docs/privacy.md is the command's output as of now, and every model holding personal data (every
model with a scope rule) is in it."""

from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from onegate import processing, scoping


def test_every_model_with_a_scope_rule_is_in_the_record():
    assert processing.unrecorded_scoped_models() == []
    recorded = {r.model for r in processing.records()}
    assert set(scoping.scoped_models()) <= recorded


def test_docs_privacy_md_is_what_the_command_generates_now():
    out = StringIO()
    call_command("processing_record", stdout=out)
    committed = (Path(settings.BASE_DIR) / "docs" / "privacy.md").read_text()
    assert committed == out.getvalue(), "run: python manage.py processing_record > docs/privacy.md"


def test_who_receives_the_data_follows_the_scope_rules():
    from referrals.models import Referral
    from registry.models import Person

    assert processing.receivers(Person).startswith("Dinsos managers, front-desk staff, kelurahan officers")
    assert "agency officers only for what is addressed to their agency" in processing.receivers(Referral)
    page = processing.as_markdown()
    assert "| Person (`registry.Person`) |" in page and "NIK" in page
