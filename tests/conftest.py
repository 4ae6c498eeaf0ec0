"""Shared fixtures: a fresh home per test, an open store, and an in-process CLI runner."""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tarry.cli.main import run
from tarry.store import Store, crypto
from tests import cheap_kdf

FROZEN_NOW = "2026-11-19T12:00:00+00:00"  # a Thursday in ISO week 2026-W47


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every test gets its own TARRY_HOME, UTC, and a frozen clock unless it unsets it."""
    monkeypatch.setenv("TARRY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("TARRY_NOW", FROZEN_NOW)
    monkeypatch.delenv("TARRY_PASSPHRASE", raising=False)


@pytest.fixture(autouse=True)
def _cheap_kdf_under_mutation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under mutation runs only (TARRY_TEST_CHEAP_KDF=1, set by `dev.py mutate`): Argon2id at a
    token cost that still depends on every parameter (tests/cheap_kdf.py). In-process only: a
    test that hands an encrypted store to a `tarry` process cannot run under it."""
    if os.environ.get(cheap_kdf.ENV) == "1":
        monkeypatch.setattr(crypto, "hash_secret_raw", cheap_kdf.hash_secret_raw)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def store(home: Path) -> Iterator[Store]:
    with Store.open(home) as opened:
        yield opened


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def _shell(args: tuple[str, ...]) -> None:
    run(list(args))


def runner() -> CliRunner:
    """A runner that keeps stderr apart (click 8.1 needs mix_stderr=False; 8.2 always does)."""
    if "mix_stderr" in inspect.signature(CliRunner).parameters:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    return CliRunner()


@pytest.fixture
def cli() -> object:
    """Call `cli("people", "add", "Sam", input=None)`; returns Result(code, stdout, stderr)."""

    def invoke(*args: str, input: str | None = None) -> Result:
        result = runner().invoke(_shell, list(args), input=input, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke


from tests.postgres import postgres  # noqa: E402, F401  (the throwaway PostgreSQL cluster)
