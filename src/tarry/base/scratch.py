"""Scratch files in memory, for plaintext that must be a file for a moment (the entry you write in
your editor): a private folder on a memory file system, so the text never reaches a disk.

Linux has one per user (`$XDG_RUNTIME_DIR`) and a shared one (`/dev/shm`); tarry makes its own
0700 folder there and checks the mount table that it really is in memory. Other systems have
none by default: a person can name one (a RAM disk) in `TARRY_MEMORY_DIR`. Files are named after
the process that made them, so one left by a killed process is removed by the next.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tarry.base.errors import InvalidInput

MEMORY_FILESYSTEMS = frozenset({"tmpfs", "ramfs"})
MOUNTS = Path("/proc/self/mounts")
SHARED = (Path("/dev/shm"), Path("/run/shm"))


def memory_folder() -> Path | None:
    """A private (0700) folder in memory, made on first use; None where the system has none."""
    for base, trusted in _candidates():
        kind = filesystem(base)
        if base.is_dir() and (kind in MEMORY_FILESYSTEMS or (kind is None and trusted)):
            folder = _private_folder(base / f"tarry-{_uid()}")
            if folder is not None:
                return folder
    return None


def _candidates() -> Iterator[tuple[Path, bool]]:
    """(folder, trusted): where no mount table can tell (macOS, Windows), only the person's own
    choice is trusted to be in memory."""
    chosen = os.environ.get("TARRY_MEMORY_DIR", "").strip()
    if chosen:
        yield _checked_choice(Path(chosen).expanduser()), True
        return
    if sys.platform.startswith("linux"):
        runtime = os.environ.get("XDG_RUNTIME_DIR", "").strip()
        if runtime:
            yield Path(runtime), False
        for shared in SHARED:
            yield shared, False


def _checked_choice(path: Path) -> Path:
    """TARRY_MEMORY_DIR must exist and, where the mount table tells, be in memory."""
    hint = "Point TARRY_MEMORY_DIR at a folder on a RAM disk or tmpfs, or unset it."
    if not path.is_dir():
        raise InvalidInput(f"TARRY_MEMORY_DIR={path} is not a folder.", hint)
    kind = filesystem(path)
    if kind is not None and kind not in MEMORY_FILESYSTEMS:
        raise InvalidInput(f"TARRY_MEMORY_DIR={path} is on {kind}, a disk, not in memory.", hint)
    return path


def filesystem(path: Path) -> str | None:
    """The file system type `path` lives on, from the mount table; None where there is none."""
    try:
        lines = MOUNTS.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    target, best, kind = os.path.realpath(path), "", None
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = _unescape(fields[1])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


def _unescape(field: str) -> str:
    """The mount table writes a space in a path as \\040 (octal escapes)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def _private_folder(path: Path) -> Path | None:
    """`path` as a 0700 folder of this user's; None when it is someone else's or not a folder."""
    try:
        path.mkdir(mode=0o700, exist_ok=True)
        info = path.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != _uid():
            return None
        if info.st_mode & 0o077:
            path.chmod(0o700)
    except OSError:
        return None
    return path


def _uid() -> int:
    return os.getuid() if hasattr(os, "getuid") else 0


def new_file(folder: Path, prefix: str, suffix: str) -> tuple[int, Path]:
    """A new 0600 file in `folder` named after this process: (open descriptor, path)."""
    sweep(folder, prefix)
    handle, name = tempfile.mkstemp(prefix=f"{prefix}{os.getpid()}-", suffix=suffix, dir=folder)
    return handle, Path(name)


def sweep(folder: Path, prefix: str) -> None:
    """Remove files that processes no longer running left behind (killed mid-write)."""
    if os.name == "nt":  # os.kill(pid, 0) would stop the process there, not test it
        return
    for path in folder.glob(f"{prefix}*"):
        pid = path.name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            path.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process: it exists
        return True
    return True
