"""The Indonesian catalogue is complete and the committed .mo matches the .po."""

import gettext
import re
import shutil
import subprocess
import sys
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


# gettext("...") written inside an f-string's braces: xgettext reads the f-string as a plain string
# and never sees the message, so it stays English in the Indonesian UI ("(15 working days)").
GETTEXT_IN_FSTRING = re.compile(r"""\bf(["'])(?:(?!\1).)*\{[^}]*\b(?:_|gettext|gettext_lazy|ngettext|pgettext)\(""")


def test_no_message_is_hidden_from_the_extractor_inside_an_f_string():
    root = Path(settings.BASE_DIR)
    found = [
        f"{path.relative_to(root)}:{n}: {line.strip()}"
        for path in root.rglob("*.py")
        if path.relative_to(root).parts[0] not in (".venv", "var", "tests", "scripts")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if GETTEXT_IN_FSTRING.search(line)
    ]
    assert found == []


def test_the_catalogue_holds_every_message_of_the_code_translated(tmp_path):
    """makemessages on a copy of the code finds no message the committed catalogue lacks."""
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "__pycache__", "tests", "static", "docs")
    shutil.copytree(root, copy, ignore=ignore, symlinks=True)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "id", "--ignore=.venv", "--ignore=var", "-v0"],
        cwd=copy,
        check=True,
    )
    po = copy / "locale" / "id" / "LC_MESSAGES" / "django.po"
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(po)], capture_output=True, text=True
    )
    fuzzy = subprocess.run(["msgattrib", "--only-fuzzy", "--no-obsolete", str(po)], capture_output=True, text=True)
    assert untranslated.stdout.count("msgid ") <= 1, untranslated.stdout  # the header only
    assert fuzzy.stdout.count("msgid ") <= 1, fuzzy.stdout
