"""The Indonesian catalogue is complete and the committed .mo matches the .po."""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

pytestmark = pytest.mark.skipif(not shutil.which("msgfmt"), reason="needs GNU gettext (installed by make test)")


def test_every_string_has_an_indonesian_translation():
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(PO)], capture_output=True, text=True
    )
    fuzzy = subprocess.run(["msgattrib", "--only-fuzzy", "--no-obsolete", str(PO)], capture_output=True, text=True)
    assert untranslated.stdout.count("msgid ") <= 1, untranslated.stdout  # the header only
    assert fuzzy.stdout.count("msgid ") <= 1, fuzzy.stdout


def test_the_committed_catalogue_is_compiled_from_the_po(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(PO)], check=True)
    with fresh.open("rb") as a, MO.open("rb") as b:
        assert gettext.GNUTranslations(a)._catalog == gettext.GNUTranslations(b)._catalog, "run: make messages"
