"""The CLI imports only what a command needs; the map of commands to modules stays true."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from tarry.cli.main import COMMAND_MODULES, COMMANDS, command_of, modules_for
from tarry.store import Store


def registered(module: str) -> set[str]:
    probe = typer.Typer()
    importlib.import_module(f"tarry.cli.{module}").register(probe)
    commands = {c.name or c.callback.__name__ for c in probe.registered_commands}  # type: ignore[union-attr]
    return commands | {g.name for g in probe.registered_groups if g.name}


@pytest.mark.parametrize("module", COMMAND_MODULES)
def test_every_command_a_module_registers_is_mapped_to_it(module: str) -> None:
    for command in registered(module):
        assert module in COMMANDS.get(command, ()), (
            f"{command!r} of cli/{module}.py not in COMMANDS"
        )


def test_every_mapped_module_exists() -> None:
    assert {m for ms in COMMANDS.values() for m in ms} <= set(COMMAND_MODULES)


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["log", "--with", "Sam"], "log"),
        (["--home", "/x", "review"], "review"),
        (["--debug", "--passphrase-file", "f", "import", "chat", "a.txt"], "import"),
        (["--help"], None),
        ([], None),
    ],
)
def test_command_of(argv: list[str], command: str | None) -> None:
    assert command_of(argv) == command


def test_help_and_unknown_commands_load_everything() -> None:
    assert modules_for(["--help"]) == COMMAND_MODULES
    assert modules_for(["nonsense"]) == COMMAND_MODULES
    assert modules_for(["log"]) == ("moments",)


HEAVY = ("icalendar", "starlette", "uvicorn", "jinja2", "tarry.web", "tarry.mirror.moves",
         "tarry.prompts", "tarry.calendar")  # fmt: skip
PROBE = """
import sys
from tarry.cli.main import run
try:
    run(sys.argv[2:])
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = [m for m in HEAVY if m in sys.modules]
print(f"EXIT:{code} HEAVY:{','.join(heavy)}")
"""


def _imports_of(*argv: str) -> str:
    """Run one tarry command in a fresh interpreter; its exit code and the heavy modules it had."""
    code = f"HEAVY = {HEAVY!r}\n{PROBE}"
    out = subprocess.run([sys.executable, "-c", code, "probe", *argv], capture_output=True,
                         text=True, check=True, timeout=60)  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


def test_tarry_log_does_not_import_the_heavy_parts(tmp_path: Path) -> None:
    home = str(tmp_path / "home")
    assert _imports_of("--home", home, "people", "add", "Sam") == "EXIT:0 HEAVY:"
    logged = _imports_of("--home", home, "log", "--with", "Sam", "--note", "a long walk")
    assert logged == "EXIT:0 HEAVY:"
    with Store.open(home) as store:  # the command ran for real, not just its help
        assert store.scalar("SELECT count(*) FROM moments WHERE note = 'a long walk'") == 1


def test_the_probe_sees_a_heavy_import(tmp_path: Path) -> None:
    """The check above can fail: a command that needs a heavy part is seen loading it."""
    assert "tarry.prompts" in _imports_of("--home", str(tmp_path), "prompt").split("HEAVY:")[1]


def test_version(cli) -> None:
    result = cli("--version")
    assert (result.code, result.stdout.strip()) == (0, f"tarry {__import__('tarry').__version__}")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["review", "--home", "/x"], ["--home", "/x", "review"]),
        (["people", "list", "--json", "--home=/x"], ["--home=/x", "people", "list", "--json"]),
        (["--debug", "log", "--home", "/x", "--with", "Sam"],
         ["--debug", "--home", "/x", "log", "--with", "Sam"]),
        (["log", "--note", "--home", "--with", "Sam"],
         ["log", "--note", "--home", "--with", "Sam"]),
        (["commit", "mark", "1", "kept", "--passphrase-file", "f", "--debug"],
         ["--passphrase-file", "f", "--debug", "commit", "mark", "1", "kept"]),
        (["search", "--", "--home"], ["search", "--", "--home"]),
        (["--home", "/x", "review"], ["--home", "/x", "review"]),
    ],
)  # fmt: skip
def test_global_options_anywhere_move_before_the_command(
    argv: list[str], expected: list[str]
) -> None:
    from tarry.cli.main import hoisted, load

    assert hoisted(argv, load()) == expected


def test_home_after_the_command_is_the_home_used(cli, tmp_path) -> None:
    other = tmp_path / "other"
    assert cli("people", "add", "Sam", "--home", str(other)).code == 0
    assert cli("log", "--note", "--home", "--with", "Sam", "--home", str(other)).code == 0
    listed = cli("moments", "list", "--json", f"--home={other}")
    assert [m["note"] for m in json.loads(listed.stdout)] == ["--home"]
    assert json.loads(cli("people", "list", "--json").stdout) == []  # TARRY_HOME untouched
