"""Every command reads an encrypted store exactly as it reads a plain one.

The demo home is built twice; one copy is encrypted with `tarry encrypt`. Read commands of every
group then print the same bytes for both (the store's contents are identical, only the file is
not), and an encrypted demo's files hold none of the demo's words.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.trust.conftest import PASS, hits

READS = [
    ["people", "list", "--json"],
    ["moments", "list", "--json"],
    ["entries", "list", "--json"],
    ["tradeoffs", "list", "--json"],
    ["commit", "list", "--json"],
    ["values", "show", "--json"],
    ["review", "--json"],
    ["drift", "--json"],
    ["search", "evening", "--json"],
    ["calendar", "audit", "--json"],
    ["export"],
]


@pytest.fixture(scope="module")
def demo_homes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from tests.conftest import _shell, runner

    root = tmp_path_factory.mktemp("parity")
    plain, locked = root / "plain", root / "locked"
    env = {"TARRY_NOW": "2026-11-19T12:00:00+00:00", "TZ": "UTC", "TARRY_KDF": "minimum"}
    made = runner().invoke(_shell, ["demo", "--home", str(plain)], env=env)
    assert made.exit_code == 0, made.output
    shutil.copytree(plain, locked)
    done = runner().invoke(
        _shell, ["--home", str(locked), "encrypt"], env={**env, "TARRY_PASSPHRASE": PASS}
    )
    assert done.exit_code == 0, done.output
    return plain, locked


@pytest.mark.parametrize("command", READS, ids=[" ".join(c) for c in READS])
def test_same_output_from_an_encrypted_store(
    cli: object, demo_homes: tuple[Path, Path], command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plain, locked = demo_homes
    monkeypatch.setenv("TARRY_KDF", "minimum")
    expected = cli("--home", str(plain), *command)  # type: ignore[operator]
    monkeypatch.setenv("TARRY_PASSPHRASE", PASS)
    got = cli("--home", str(locked), *command)  # type: ignore[operator]
    assert got.code == expected.code == 0, got.stderr + expected.stderr
    assert got.stdout.replace(str(locked), str(plain)) == expected.stdout
    monkeypatch.delenv("TARRY_PASSPHRASE")
    assert cli("--home", str(locked), *command).code == 2  # type: ignore[operator]


def test_encrypted_demo_files_hold_no_words(demo_homes: tuple[Path, Path]) -> None:
    plain, locked = demo_homes
    assert hits("evening", plain)  # the words are there in the plain copy ...
    assert hits("evening", locked) == []  # ... and nowhere in the encrypted one
