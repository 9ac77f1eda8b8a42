"""Files with personal data that the portal writes itself (rendered reports, their work files):
readable by the portal's user only, as Django's storage makes uploads (FILE_UPLOAD_PERMISSIONS,
FILE_UPLOAD_DIRECTORY_PERMISSIONS)."""

import os
from pathlib import Path

from django.conf import settings


def private_folder(path: Path) -> Path:
    """``path``, created with every missing parent as the portal user's only."""
    missing = [folder for folder in (path, *path.parents) if not folder.exists()]
    for folder in reversed(missing):
        folder.mkdir(exist_ok=True)
        os.chmod(folder, settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS)
    return path


def make_private(path: Path) -> Path:
    os.chmod(path, settings.FILE_UPLOAD_PERMISSIONS)
    return path


def write_private_text(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, settings.FILE_UPLOAD_PERMISSIONS)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
