"""Encrypting a store: a new encrypted store, encrypting a plain one, passphrase and recovery key.

The library side of `tarry init --encrypt`, `tarry encrypt`, `tarry passphrase ...` and
`tarry recovery-key ...`. Every change to the key header is one atomic file replacement.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

from tarry.base import home as homes
from tarry.base.errors import Conflict, FormatError, LockedError, Step, StoreError
from tarry.base.home import Home, Place
from tarry.store import Store, backup, build, crypto, swap, unlock
from tarry.store.connection import connect_encrypted, export_encrypted


def header_of(home: Path) -> Path:
    return crypto.header_path(homes.db_path(home))


def is_encrypted(home: Place) -> bool:
    return header_of(Home.of(home).path).exists()


def _new_header(passphrase: str, kdf: crypto.KdfParams | None) -> tuple[crypto.Header, bytes, str]:
    """A header with a fresh data key wrapped under the passphrase and a new recovery key."""
    crypto.check_new_passphrase(passphrase)
    kdf = kdf or crypto.tune()
    data_key, recovery = crypto.new_data_key(), crypto.new_recovery_key()
    header = crypto.Header(store_id=str(uuid.uuid4()))
    header = crypto.rewrap(
        header, data_key, crypto.PASSPHRASE, crypto.passphrase_bytes(passphrase), kdf
    )
    header = crypto.rewrap(header, data_key, crypto.RECOVERY, crypto.recovery_bytes(recovery), kdf)
    return header, data_key, recovery


def create(home: Place, passphrase: str, kdf: crypto.KdfParams | None = None) -> str:
    """Create a new encrypted store; returns the recovery key to show once."""
    directory = homes.ensure(Home.of(home).path)
    swap.finish(directory)
    if homes.db_path(directory).exists() or header_of(directory).exists():
        raise Conflict(
            f"There is already a store in {directory}.",
            "To start over, choose another home; a plain store can be encrypted in place.",
            step=Step.ENCRYPT,
        )
    header, data_key, recovery = _new_header(passphrase, kdf)
    # Both are made in staging and swapped in together: neither ever exists without the other.
    folder = swap.staging(directory)
    crypto.write(folder / crypto.HEADER_NAME, header)
    build(folder / swap.DB, data_key)
    swap.commit(directory, aside=None)
    Store.open(directory, key=data_key).close()
    return recovery


def encrypt(home: Place, passphrase: str, kdf: crypto.KdfParams | None = None) -> str:
    """Encrypt the existing plain store in place; returns the recovery key to show once.

    The encrypted copy is built and verified in staging, then swapped in; the plain file is
    deleted (its blocks may linger on the disk: see docs/security.md).
    """
    directory = Home.of(home).path
    if is_encrypted(directory):
        raise Conflict(f"The store in {directory} is already encrypted.")
    with Store.open(directory, create=False) as plain:
        header, data_key, recovery = _new_header(passphrase, kdf)
        expected = backup.canonical_digest(plain.conn)
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    folder = swap.staging(directory)
    export_encrypted(homes.db_path(directory), folder / swap.DB, data_key)
    _verify(folder / swap.DB, data_key, expected)
    crypto.write(folder / crypto.HEADER_NAME, header)
    swap.commit(directory, aside=None)
    return recovery


def plain_backups(home: Place) -> list[Path]:
    """Backups in the data directory that are not encrypted (made before `tarry encrypt`)."""
    folder = Home.of(home) / "backups"
    found = sorted(folder.glob("*.db"))
    for path in sorted(folder.glob(f"*{backup.SUFFIX}")):
        try:
            if not backup.read_manifest(path).get("encrypted"):
                found.append(path)
        except FormatError:
            continue  # not a backup of ours; nothing to say about it
    return found


def _verify(path: Path, data_key: bytes, expected: str) -> None:
    conn = connect_encrypted(path, data_key)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        digest = backup.canonical_digest(conn)
        conn.execute("PRAGMA journal_mode = DELETE")  # leave no -wal beside the staged file
    finally:
        conn.close()
    if result != "ok" or digest != expected:
        raise StoreError(
            "The encrypted copy did not match the store; nothing was changed.",
            "Encrypt it again; if it fails again, report it with the details.",
            step=Step.ENCRYPT,
        )


def _unlocked(home: Path, secret: str, *, recovery: bool) -> tuple[crypto.Header, bytes]:
    header = crypto.read(header_of(home))
    if not recovery:
        return header, unlock.data_key(header_of(home), passphrase=secret)
    try:
        return header, crypto.unwrap(header, crypto.RECOVERY, crypto.recovery_bytes(secret))
    except LockedError as exc:
        raise LockedError(
            f"Wrong recovery key for the store in {home}.", "Nothing was changed."
        ) from exc


def change_passphrase(
    home: Place,
    old: str,
    new: str,
    *,
    recovery: bool = False,
    kdf: crypto.KdfParams | None = None,
) -> None:
    """Rewrap the data key under `new`; `old` is the current passphrase or the recovery key."""
    directory = _encrypted_home(home)
    crypto.check_new_passphrase(new)
    header, data_key = _unlocked(directory, old, recovery=recovery)
    kdf = kdf or crypto.tune()
    changed = crypto.rewrap(header, data_key, crypto.PASSPHRASE, crypto.passphrase_bytes(new), kdf)
    crypto.write(header_of(directory), changed)
    if header.keyring:
        unlock.remember(changed, new)


def new_recovery_key(home: Place, passphrase: str, kdf: crypto.KdfParams | None = None) -> str:
    """Replace the recovery key (the old one stops working); returns the new one."""
    directory = _encrypted_home(home)
    header, data_key = _unlocked(directory, passphrase, recovery=False)
    recovery = crypto.new_recovery_key()
    secret = crypto.recovery_bytes(recovery)
    changed = crypto.rewrap(header, data_key, crypto.RECOVERY, secret, kdf or crypto.tune())
    crypto.write(header_of(directory), changed)
    return recovery


def set_keyring(home: Place, passphrase: str | None, *, enabled: bool) -> None:
    """Opt in to (or out of) caching the passphrase in the OS keyring."""
    directory = _encrypted_home(home)
    header = crypto.read(header_of(directory))
    if enabled:
        unlock.data_key(header_of(directory), passphrase=passphrase)  # only a right one is kept
        unlock.remember(header, passphrase or "")
    else:
        unlock.forget(header)
    crypto.write(header_of(directory), replace(header, keyring=enabled))


def _encrypted_home(home: Place) -> Path:
    directory = Home.of(home).path
    if directory.is_dir():
        swap.finish(directory)
    if not header_of(directory).exists():
        raise StoreError(f"The store in {directory} is not encrypted.", step=Step.ENCRYPT)
    return directory
