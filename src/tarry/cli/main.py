"""The `tarry` command: the root app, global options, and the one place errors are rendered."""

from __future__ import annotations

import importlib
import os
import sqlite3
import sys
import traceback

import click
import typer
import typer.core

from tarry import __version__
from tarry.base import process
from tarry.base.errors import TarryError
from tarry.cli.common import err_console, state

# Help is plain text (`rich_markup_mode=None`), but Typer 0.19 still escapes "[required]" and
# "[default: ...]" for Rich whenever Rich is installed, so every help showed "\[required]". Its
# only other uses of this flag are skipped in plain mode (Typer 0.20+ checks the mode; see the pin).
typer.core.HAS_RICH = False

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
    "undo",
    "demo",
    "prompts",
    "review",
    "importing",
    "chat",
    "calendar",
    "contacts",
    "mirror",
    "mirror_analysis",
    "web",
    "search",
    "archive",
    "csv_export",
    "today",
    "together",
    "relay",
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
    "undo": ("undo",),
    "demo": ("demo",),
    **dict.fromkeys(("prompt", "ritual", "deck", "stay"), ("prompts",)),
    **dict.fromkeys(("review", "drift"), ("review",)),
    "import": ("importing", "chat", "calendar", "contacts"),
    "calendar": ("calendar",),
    "mirror": ("mirror", "mirror_analysis"),
    "serve": ("web",),
    "search": ("search",),
    **dict.fromkeys(("export", "import-backup"), ("archive",)),
    "export-csv": ("csv_export",),
    "today": ("today",),
    "together": ("together",),
    "relay": ("relay",),
}  # fmt: skip
# Subcommands that need less than their group: `mirror parse` feeds other tools, whole process
# timed, and reads no store.
SUBCOMMANDS: dict[tuple[str, str], tuple[str, ...]] = {("mirror", "parse"): ("mirror",)}
ROOT_OPTIONS_WITH_VALUE = ("--home", "--passphrase-file")
ROOT_FLAGS = ("--debug",)
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
    state.start(home, debug=debug, passphrase_file=passphrase_file)


def load(names: tuple[str, ...] = COMMAND_MODULES) -> typer.Typer:
    """Register the command modules `names` (each once), in `tarry --help` order."""
    for name in COMMAND_MODULES:
        if name in names and name not in _loaded:
            importlib.import_module(f"tarry.cli.{name}").register(app)
            _loaded.add(name)
    return app


def command_of(argv: list[str]) -> str | None:
    """The top-level command named in `argv`, skipping the root options."""
    at = _position_of_command(argv)
    return None if at is None else argv[at]


def _position_of_command(argv: list[str]) -> int | None:
    skip = False
    for at, arg in enumerate(argv):
        if skip:
            skip = False
        elif arg in ROOT_OPTIONS_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return at
    return None


def hoisted(argv: list[str], app: typer.Typer) -> list[str]:
    """The command line with the global options (--home DIR, --passphrase-file FILE, --debug)
    moved before the command wherever they were given: `tarry review --home DIR` works too."""
    at = _position_of_command(argv)
    if at is None or not any(_is_root_option(a) for a in argv[at:]):
        return argv  # the usual case costs nothing
    root: click.Command = typer.main.get_command(app)
    front, rest = argv[:at], argv[at:]
    moved, kept, current = [], [], root
    words = iter(rest)
    for word in words:
        if word == "--":
            kept += [word, *words]
            break
        if _is_root_option(word):
            moved.append(word)
            value = next(words, None) if word in ROOT_OPTIONS_WITH_VALUE else None
            moved += [value] if value is not None else []
            continue
        kept.append(word)
        if isinstance(current, click.Group) and word in current.commands:
            current = current.commands[word]
        elif _takes_value(current, word):
            kept.append(next(words, ""))  # its value, even one that looks like --home
    return [*front, *moved, *kept]


def _is_root_option(word: str) -> bool:
    name, equals, _ = word.partition("=")
    return (name in ROOT_FLAGS and not equals) or name in ROOT_OPTIONS_WITH_VALUE


def _takes_value(command: click.Command, word: str) -> bool:
    if not word.startswith("-") or "=" in word:
        return False
    return any(
        word in p.opts and not getattr(p, "is_flag", False) and not getattr(p, "count", False)
        for p in command.params
        if isinstance(p, click.Option)
    )


def modules_for(argv: list[str]) -> tuple[str, ...]:
    """The modules a command line needs: all of them for help or an unknown command."""
    command = command_of(argv) or ""
    after = argv[argv.index(command) + 1 :] if command else []
    sub = next((a for a in after if not a.startswith("-")), "")
    return SUBCOMMANDS.get((command, sub)) or COMMANDS.get(command, COMMAND_MODULES)


def render_error(exc: TarryError, argv: list[str] | None = None) -> None:
    """The error and what to do next, naming the flags of the command that ran."""
    from tarry.cli.errors import hint_lines, invoked

    root = typer.main.get_command(app) if argv is not None else None
    command = invoked(root, argv) if root is not None and argv is not None else None
    from rich.markup import escape

    err_console.print(f"[bold red]error:[/] {escape(exc.message)}", markup=True, soft_wrap=True)
    for line in hint_lines(exc, command, root):
        err_console.print(line, markup=False, soft_wrap=True)


def main() -> None:
    """The `tarry` program: protect the process, then run the command line."""
    process.no_core_dumps()  # a core file would hold decrypted data and the data key
    run()


def run(argv: list[str] | None = None) -> None:
    """Entry point: run the app, render typed errors once, exit with their code."""
    os.umask(0o077)
    args = sys.argv[1:] if argv is None else argv
    try:
        loaded = load(modules_for(args))
        args = hoisted(args, loaded)
        loaded(args=args, prog_name="tarry", standalone_mode=False)
        sys.stdout.flush()
    except BrokenPipeError:  # `tarry review | head` stopped reading: nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)
    except (TarryError, sqlite3.Error, OSError) as exc:
        # tarry's own errors, a damaged or busy store, a full disk: said once, never a traceback.
        from tarry.store.connection import explained  # here: `mirror parse` never loads the store

        error = explained(exc, state.home.db)
        if error is None:
            raise
        if state.debug or "--debug" in args:
            traceback.print_exc()
        render_error(error, args)
        sys.exit(error.exit_code)
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
