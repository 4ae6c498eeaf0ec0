"""`tarry init`, `encrypt`, `passphrase`, `recovery-key`, `backup`, `restore`: the store's care."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from tarry.base.errors import InvalidInput
from tarry.cli.common import (
    JSON_OPTION,
    ask_secret,
    console,
    err_console,
    open_store,
    print_json,
    state,
)
from tarry.cli.common import unlocker as current_unlocker
from tarry.store import backup, crypto, encryption, unlock

NEW_ENV = "TARRY_NEW_PASSPHRASE"
RECOVERY_ENV = "TARRY_RECOVERY_KEY"

passphrase_app = typer.Typer(
    help="Change, remember or forget the passphrase.", no_args_is_help=True
)
recovery_app = typer.Typer(help="The recovery key of an encrypted store.", no_args_is_help=True)


def _new_passphrase(file: Path | None, env: str) -> str:
    """A new passphrase: from FILE, the environment, or typed twice on a terminal."""
    if file is not None:
        chosen = unlock.read_passphrase_file(file)
    elif os.environ.get(env):
        chosen = os.environ[env]
    elif sys.stdin.isatty():
        chosen = ask_secret("New passphrase", confirm=True)
    else:
        raise InvalidInput(
            "No new passphrase given.",
            f"Type it in a terminal, set {env}, or give a file (see --help).",
        )
    crypto.check_new_passphrase(chosen)
    return chosen


def _current_secret(recovery: bool) -> str:
    """The current passphrase (or recovery key) by the usual unlock order."""
    if recovery:
        if os.environ.get(RECOVERY_ENV):
            return os.environ[RECOVERY_ENV]
        if not sys.stdin.isatty():
            raise InvalidInput(
                "No recovery key given.", f"Type it in a terminal or set {RECOVERY_ENV}."
            )
        return ask_secret("Recovery key")
    how = current_unlocker()
    given = next(unlock.from_sources(how), None)
    if given is not None:
        return given[1]
    if how.prompt is None:
        raise InvalidInput("No passphrase given.", unlock.MISSING_HINT, field="passphrase_file")
    return how.prompt("Current passphrase")


def _show_recovery_key(recovery: str) -> None:
    console.print(
        "Your recovery key. Write it down and keep it away from this computer; "
        "it is shown only this once:"
    )
    console.print(f"\n    {recovery}\n")
    console.print(
        "If you forget your passphrase, it sets a new one: `tarry passphrase change --recovery`."
    )


def init(
    encrypt: bool = typer.Option(
        False, "--encrypt", help="Encrypt the new store with a passphrase (recommended)."
    ),
) -> None:
    """Create a store in the data directory (safe to run again)."""
    directory = state.home
    fresh = not directory.db.exists() and not encryption.is_encrypted(directory)
    if encrypt and fresh:
        passphrase_file = Path(state.passphrase_file) if state.passphrase_file else None
        recovery = encryption.create(directory, _new_passphrase(passphrase_file, unlock.ENV))
        console.print(
            f"Encrypted tarry store ready at {directory.db}.", soft_wrap=True, markup=False
        )
        _show_recovery_key(recovery)
        return
    if encrypt and not encryption.is_encrypted(directory):
        raise InvalidInput(
            f"There is already a plain store in {directory}.", "Encrypt it with `tarry encrypt`."
        )
    with open_store() as store:
        kind = "encrypted " if store.encrypted else ""
        console.print(
            f"tarry {kind}store ready at {store.path} (schema version {store.version}).",
            soft_wrap=True,
        )
        if not store.encrypted:
            console.print(
                "It is not encrypted: anyone who can read this file can read your notes and chats."
                " `tarry encrypt` protects it with a passphrase (recommended)."
            )


def encrypt_command() -> None:
    """Encrypt the existing store with a passphrase; prints a recovery key once."""
    directory = state.home
    passphrase_file = Path(state.passphrase_file) if state.passphrase_file else None
    recovery = encryption.encrypt(directory, _new_passphrase(passphrase_file, unlock.ENV))
    console.print(f"The store in {directory} is now encrypted.", soft_wrap=True, markup=False)
    _show_recovery_key(recovery)
    leftovers = encryption.plain_backups(directory)
    if leftovers:
        err_console.print(
            "These older backups are NOT encrypted; delete them or move them somewhere safe:"
        )
        for path in leftovers:
            err_console.print(f"  {path}", markup=False, soft_wrap=True)


@passphrase_app.command("change")
def change(
    recovery: bool = typer.Option(
        False, "--recovery", help=f"Prove it with the recovery key (or {RECOVERY_ENV}) instead."
    ),
    new_file: Path = typer.Option(
        None,
        "--new-passphrase-file",
        metavar="FILE",
        help=f"Read the new one from FILE ({NEW_ENV}).",
    ),
) -> None:
    """Set a new passphrase. Only the key header changes; the old passphrase stops working."""
    current = _current_secret(recovery)
    encryption.change_passphrase(
        state.home, current, _new_passphrase(new_file, NEW_ENV), recovery=recovery
    )
    console.print("Passphrase changed. The old one no longer opens the store.")


@passphrase_app.command("remember")
def remember() -> None:
    """Cache the passphrase in the OS keyring, so commands stop asking.

    Trade-off: anyone (or any program) that can use your unlocked login session can then open
    the store without the passphrase. Undo with `tarry passphrase forget`.
    """
    encryption.set_keyring(state.home, _current_secret(False), enabled=True)
    console.print("The passphrase is now kept in your OS keyring for this store.")


@passphrase_app.command("forget")
def forget() -> None:
    """Remove the passphrase from the OS keyring (commands ask again)."""
    encryption.set_keyring(state.home, None, enabled=False)
    console.print("The passphrase is no longer kept in the OS keyring.")


@recovery_app.command("new")
def new_recovery() -> None:
    """Replace the recovery key; the old one stops working."""
    recovery = encryption.new_recovery_key(state.home, _current_secret(False))
    _show_recovery_key(recovery)


def backup_command(
    file: Path = typer.Argument(
        None, help="Where to write it (default: backups/ in the data directory)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Write a verified backup (an encrypted store's backup stays encrypted)."""
    with open_store() as store:
        info = backup.backup(store, file)
    if as_json:
        print_json(info.to_dict())
        return
    rows = sum(info.tables.values())
    kind = "encrypted " if info.encrypted else ""
    console.print(f"Wrote a verified {kind}backup of {rows} rows to {info.path}.", markup=False)


def restore_command(
    file: Path = typer.Argument(..., help="A file written by `tarry backup`."),
    replace: bool = typer.Option(
        False, "--replace", help="Replace the current store (it is kept in backups/replaced-*)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Restore a backup, verified row by row. An encrypted backup takes the passphrase it had."""
    info = backup.restore(file, state.home, replace=replace, unlocker=current_unlocker())
    if as_json:
        print_json(info.to_dict())
        return
    console.print(
        f"Restored {sum(info.tables.values())} rows from {file}; verified.", soft_wrap=True
    )
    if info.encrypted_on_restore:
        console.print(
            "The backup was not encrypted; the restored store is encrypted with this store's"
            " passphrase, as the store it replaced was.",
            soft_wrap=True,
        )


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("encrypt")(encrypt_command)
    app.add_typer(passphrase_app, name="passphrase")
    app.add_typer(recovery_app, name="recovery-key")
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
