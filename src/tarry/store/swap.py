"""Replacing the store's files (restore, encrypt) so that a crash at any point is resumable.

New files are prepared and verified in `home/.swap/`; a READY marker commits to the swap. Then
the old files are moved aside (or deleted), the marker becomes SWAP, and the new files are moved
in. `finish(home)` runs on every open and completes (or discards) whatever a crash interrupted.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from tarry.base import home as homes
from tarry.store import crypto

STAGING = ".swap"
DB = homes.DB_NAME
STORE_FILES = (DB, f"{DB}-wal", f"{DB}-shm", crypto.HEADER_NAME)


def staging(home: Path) -> Path:
    """A fresh, empty staging directory inside `home`."""
    folder = home / STAGING
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(mode=0o700)
    return folder


def commit(home: Path, aside: Path | None) -> None:
    """Swap the staged files in. `aside`: where the old files go; None deletes them."""
    folder = home / STAGING
    record = {"aside": None if aside is None else str(aside.relative_to(home))}
    crypto.write_atomically(folder / "READY", json.dumps(record).encode())
    finish(home)


def finish(home: Path) -> None:
    """Complete an interrupted swap (or drop staging that never reached READY)."""
    # A header write cut short leaves a .partial that could still open the store: drop it.
    (home / (crypto.HEADER_NAME + ".partial")).unlink(missing_ok=True)
    folder = home / STAGING
    if not folder.is_dir():
        return
    ready, swapping = folder / "READY", folder / "SWAP"
    if ready.exists():
        aside = json.loads(ready.read_text())["aside"]
        _clear_old(home, None if aside is None else home / aside)
        os.replace(ready, swapping)
        crypto.sync_directory(folder)
    if swapping.exists():
        _move_new_in(home, folder)
    shutil.rmtree(folder)
    crypto.sync_directory(home)


def _clear_old(home: Path, aside: Path | None) -> None:
    if aside is not None:
        aside.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name in STORE_FILES:
        old = home / name
        if not old.exists():
            continue
        if aside is None:
            old.unlink()
        else:
            os.replace(old, aside / name)
    crypto.sync_directory(home)


def _move_new_in(home: Path, folder: Path) -> None:
    # The key header goes first: a database without its header would be unreadable.
    for name in (crypto.HEADER_NAME, DB):
        staged = folder / name
        if staged.exists():
            os.replace(staged, home / name)
            crypto.sync_directory(home)
