"""Where a person's data lives: resolved once, at the edge, into one `Home` the library receives.

`Home.resolve` is the only place that looks: the home given (the CLI's option, the web app's
launch), else TARRY_HOME, else the platform's user data dir. The library never looks again: it
takes a `Home`, or a folder given as is (`Home.of`), and asks it for its files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tarry.base.errors import StoreError

DB_NAME = "tarry.db"


@dataclass(frozen=True)
class Home:
    """A resolved data directory (not created until `ensure`)."""

    path: Path

    @classmethod
    def resolve(cls, given: str | os.PathLike[str] | None = None) -> Home:
        """The home to use: `given`, else TARRY_HOME, else the platform's user data dir."""
        if given:
            return cls(Path(given).expanduser())
        env = os.environ.get("TARRY_HOME")
        if env:
            return cls(Path(env).expanduser())
        import platformdirs  # only when neither is given

        return cls(Path(platformdirs.user_data_dir("tarry", appauthor=False)))

    @classmethod
    def of(cls, place: Place) -> Home:
        """A home as the library receives it: a `Home`, or a folder taken as it is."""
        return place if isinstance(place, Home) else cls(Path(place))

    @property
    def db(self) -> Path:
        return self.path / DB_NAME

    def ensure(self) -> Home:
        """Create the directory private to the user (0700)."""
        ensure(self.path)
        return self

    def __truediv__(self, name: str) -> Path:
        return self.path / name

    def __fspath__(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path)


Place = Home | Path | str  # what the library accepts for a home


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


def db_path(home: Path | Home) -> Path:
    return Home.of(home).db


def private_file(path: Path) -> None:
    """Make a data file readable by its owner only (0600)."""
    if path.exists():
        path.chmod(0o600)
