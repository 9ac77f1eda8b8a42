"""Checks shared by the tests of files holding personal data."""

import stat
from pathlib import Path


def assert_private(path, root) -> None:
    """The file is the portal user's only (0600), and so is every folder from ``root`` down to it (0700)."""
    path, root = Path(path), Path(root)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path}: {oct(path.stat().st_mode)}"
    for folder in [root, *(p for p in path.parents if root in p.parents)]:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, f"{folder}: {oct(folder.stat().st_mode)}"
