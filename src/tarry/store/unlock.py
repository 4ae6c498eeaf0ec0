"""How a passphrase is obtained: given, from a file, from TARRY_PASSPHRASE, the keyring, or asked.

Every edge unlocks the same way. The CLI passes a prompt callback; the web app passes the
passphrase it collected (or a prompt of its own); scripts set TARRY_PASSPHRASE or use
a passphrase file. A wrong passphrase from a file or the environment fails at once (exit 2);
an interactive prompt allows a few attempts.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tarry.base.errors import InvalidInput, LockedError, Step
from tarry.store import crypto

ENV = "TARRY_PASSPHRASE"
KEYRING_SERVICE = "tarry"
Prompt = Callable[[str], str]

WRONG_HINT = (
    "Nothing was changed. Check the passphrase (and TARRY_PASSPHRASE or the passphrase file). "
    "If it is lost, set a new one with your recovery key."
)
MISSING_HINT = (
    "Type it when asked (in a terminal), set TARRY_PASSPHRASE, or give a file holding it."
)


@dataclass
class Unlocker:
    """Where to look for the passphrase, in order: file, environment, keyring, prompt."""

    passphrase_file: Path | None = None
    prompt: Prompt | None = None
    attempts: int = 3


def read_passphrase_file(path: Path) -> str:
    """The passphrase in `path`, without its final line break."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            f"Cannot read the passphrase file {path}: {exc.strerror}.",
            field="passphrase_file",
            expected="the path of a file holding the passphrase",
        ) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"The passphrase file {path} is not UTF-8 text.") from exc
    return text.removesuffix("\n").removesuffix("\r")


def from_sources(unlocker: Unlocker) -> Iterator[tuple[str, str]]:
    """Passphrases from non-interactive sources, with where each came from."""
    if unlocker.passphrase_file is not None:
        yield f"the file {unlocker.passphrase_file}", read_passphrase_file(unlocker.passphrase_file)
    elif os.environ.get(ENV):
        yield ENV, os.environ[ENV]


def data_key(
    header_file: Path, *, passphrase: str | None = None, unlocker: Unlocker | None = None
) -> bytes:
    """Unlock the data key of the store whose key header is `header_file`."""
    header = crypto.read(header_file)
    where = header_file.parent
    if passphrase is not None:
        return _try(header, passphrase, "the passphrase given", where)
    unlocker = unlocker or Unlocker()
    given = next(from_sources(unlocker), None)
    if given is not None:
        return _try(header, given[1], given[0], where)
    cached = remembered(header) if header.keyring else None
    if cached is not None:
        try:
            return crypto.unwrap(header, crypto.PASSPHRASE, crypto.passphrase_bytes(cached))
        except LockedError:
            forget(header)  # stale after a change elsewhere; fall through to asking
    if unlocker.prompt is None:
        raise LockedError(
            f"The store in {where} is encrypted; it needs its passphrase.",
            MISSING_HINT,
            field="passphrase_file",
        )
    return _ask(header, unlocker.prompt, unlocker.attempts, where)


def _try(header: crypto.Header, passphrase: str, source: str, where: Path) -> bytes:
    try:
        return crypto.unwrap(header, crypto.PASSPHRASE, crypto.passphrase_bytes(passphrase))
    except LockedError as exc:
        raise LockedError(
            f"Wrong passphrase for the store in {where} (from {source}).",
            WRONG_HINT,
            step=Step.CHANGE_PASSPHRASE,
        ) from exc


def _ask(header: crypto.Header, prompt: Prompt, attempts: int, where: Path) -> bytes:
    for attempt in range(1, attempts + 1):
        typed = prompt(f"Passphrase for {where}")
        try:
            return crypto.unwrap(header, crypto.PASSPHRASE, crypto.passphrase_bytes(typed))
        except LockedError:
            if attempt == attempts:
                break
    raise LockedError(
        f"Wrong passphrase for the store in {where} ({attempts} tries).",
        WRONG_HINT,
        step=Step.CHANGE_PASSPHRASE,
    )


# --- the optional OS keyring cache (opt-in: `tarry passphrase remember`) ------------------


def remember(header: crypto.Header, passphrase: str) -> None:
    """Cache the passphrase in the OS keyring under the store's id."""
    import keyring  # imported late: only people who opted in pay for it
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, header.store_id, passphrase)
    except KeyringError as exc:
        raise InvalidInput(
            f"The OS keyring refused to store the passphrase: {exc}.",
            "Without a keyring, set TARRY_PASSPHRASE, give a file holding it, or type it.",
            field="passphrase_file",
        ) from exc


def remembered(header: crypto.Header) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        found: str | None = keyring.get_password(KEYRING_SERVICE, header.store_id)
    except KeyringError:
        return None
    return found


def forget(header: crypto.Header) -> None:
    import keyring
    from keyring.errors import KeyringError

    # Nothing cached means forgetting is already done.
    with contextlib.suppress(KeyringError):
        keyring.delete_password(KEYRING_SERVICE, header.store_id)
