"""Where the data lives: resolved once at the edge; the library takes the folder it is given."""

from __future__ import annotations

from pathlib import Path

import pytest

from tarry.base.home import Home


def test_the_home_given_wins_then_tarry_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TARRY_HOME", str(tmp_path / "env"))
    assert Home.resolve(tmp_path / "given").path == tmp_path / "given"
    assert Home.resolve().path == tmp_path / "env"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert Home.resolve("~/tarry").path == tmp_path / "tarry"


def test_without_either_the_platform_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TARRY_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", "/data")
    assert Home.resolve().path == Path("/data/tarry")


def test_a_folder_is_taken_as_it_is(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TARRY_HOME", str(tmp_path / "env"))
    home = Home.of("~/not-expanded")
    assert home.path == Path("~/not-expanded")  # the library never looks anything up
    assert Home.of(home) is home
    assert home / "tarry.db" == home.db == Path("~/not-expanded/tarry.db")


def test_ensure_makes_it_private(tmp_path: Path) -> None:
    home = Home(tmp_path / "a" / "b").ensure()
    assert (home.path.stat().st_mode & 0o777) == 0o700
