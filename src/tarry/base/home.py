"""Where a person's data lives: the home given, else TARRY_HOME, else the platform's data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from tarry.base.errors import StoreError

DB_NAME = "tarry.db"


def resolve(home: str | os.PathLike[str] | None = None) -> Path:
    """The home directory to use (not created)."""
    if home:
        return Path(home).expanduser()
    env = os.environ.get("TARRY_HOME")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("tarry", appauthor=False))


def ensure(home: Path) -> Path:
    """Create the home directory private to the user (0700) and return it."""
    try:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        home.chmod(0o700)
    except OSError as exc:
        raise StoreError(
            f"Cannot create the data directory {home}: {exc.strerror}",
            field="home",
            expected="a folder you can write to (or set TARRY_HOME)",
        ) from exc
    return home


def db_path(home: Path) -> Path:
    return home / DB_NAME


def private_file(path: Path) -> None:
    """Make a data file readable by its owner only (0600)."""
    if path.exists():
        path.chmod(0o600)
