"""The `tarry` command: the root app, global options, and the one place errors are rendered."""

from __future__ import annotations

import importlib
import os
import sqlite3
import sys
import traceback

import click
import typer

from tarry import __version__
from tarry.base import home as homes
from tarry.base import process
from tarry.base.errors import TarryError
from tarry.cli.common import err_console, state
from tarry.store.connection import as_store_error

app = typer.Typer(
    name="tarry",
    help="Treat intimacy as a value: declare, commit, practise, reflect, mirror, review.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)

# Each module defines `register(app)`; the order here is the order of `tarry --help`.
# Only the modules a command needs are imported (`COMMANDS`): start-up time is most of what a
# quick `tarry log` costs. tests/test_cli_lazy.py checks this map against the modules.
COMMAND_MODULES = (
    "setup",
    "people",
    "values",
    "commitments",
    "tradeoffs",
    "moments",
    "journal",
    "demo",
    "prompts",
    "review",
    "importing",
    "chat",
    "calendar",
    "mirror",
    "mirror_analysis",
    "web",
    "search",
    "archive",
    "csv_export",
)


COMMANDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("init", "encrypt", "backup", "restore", "passphrase", "recovery-key"),
                    ("setup",)),
    "people": ("people",),
    "values": ("values",),
    "commit": ("commitments",),
    **dict.fromkeys(("traded", "tradeoffs"), ("tradeoffs",)),
    **dict.fromkeys(("log", "moments"), ("moments",)),
    **dict.fromkeys(("write", "entries"), ("journal",)),
    "demo": ("demo",),
    **dict.fromkeys(("prompt", "ritual", "deck", "stay"), ("prompts",)),
    **dict.fromkeys(("review", "drift"), ("review",)),
    "import": ("importing", "chat", "calendar"),
    "calendar": ("calendar",),
    "mirror": ("mirror", "mirror_analysis"),
    "serve": ("web",),
    "search": ("search",),
    **dict.fromkeys(("export", "import-backup"), ("archive",)),
    "export-csv": ("csv_export",),
}  # fmt: skip
ROOT_OPTIONS_WITH_VALUE = ("--home", "--passphrase-file")
_loaded: set[str] = set()


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"tarry {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    home: str = typer.Option(
        None,
        "--home",
        metavar="DIR",
        help="Data directory (default: TARRY_HOME or the user data dir).",
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
    version: bool = typer.Option(
        False,
        "--version",
        is_eager=True,
        callback=_show_version,
        help="Print the version and exit.",
    ),
    passphrase_file: str = typer.Option(
        None,
        "--passphrase-file",
        metavar="FILE",
        help="Read an encrypted store's passphrase from FILE (else TARRY_PASSPHRASE or a prompt).",
    ),
) -> None:
    """Treat intimacy as a value: declare, commit, practise, reflect, mirror, review."""
    state.home = home
    state.debug = debug
    state.passphrase_file = passphrase_file


def load(names: tuple[str, ...] = COMMAND_MODULES) -> typer.Typer:
    """Register the command modules `names` (each once), in `tarry --help` order."""
    for name in COMMAND_MODULES:
        if name in names and name not in _loaded:
            importlib.import_module(f"tarry.cli.{name}").register(app)
            _loaded.add(name)
    return app


def command_of(argv: list[str]) -> str | None:
    """The top-level command named in `argv`, skipping the root options."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ROOT_OPTIONS_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def modules_for(argv: list[str]) -> tuple[str, ...]:
    """The modules a command line needs: all of them for help or an unknown command."""
    return COMMANDS.get(command_of(argv) or "", COMMAND_MODULES)


def render_error(exc: TarryError) -> None:
    err_console.print(f"[bold red]error:[/] {exc.message}", markup=True, soft_wrap=True)
    if exc.hint:
        err_console.print(exc.hint, markup=False, soft_wrap=True)


def main() -> None:
    """The `tarry` program: protect the process, then run the command line."""
    process.no_core_dumps()  # a core file would hold decrypted data and the data key
    run()


def run(argv: list[str] | None = None) -> None:
    """Entry point: run the app, render typed errors once, exit with their code."""
    os.umask(0o077)
    args = sys.argv[1:] if argv is None else argv
    try:
        load(modules_for(args))(args=args, prog_name="tarry", standalone_mode=False)
    except TarryError as exc:
        if state.debug or "--debug" in sys.argv:
            traceback.print_exc()
        render_error(exc)
        sys.exit(exc.exit_code)
    except sqlite3.Error as exc:
        # A damaged file or a full disk found mid-command: say so, never a bare traceback.
        store_error = as_store_error(exc, homes.db_path(homes.resolve(state.home)))
        if store_error is None or state.debug:
            raise
        render_error(store_error)
        sys.exit(store_error.exit_code)
    except (click.exceptions.Exit, typer.Exit) as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:  # bad options, bad values: click's own message
        exc.show()
        sys.exit(exc.exit_code)
    except (click.exceptions.Abort, typer.Abort):
        err_console.print("Aborted; nothing was changed.")
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print("Interrupted; nothing was changed.")
        sys.exit(130)
