"""Files tarry writes at your request (exports, reviews, calendars): private (0600), and whole or
not at all.

An export is plain text by design, but one cut short is plain text nobody asked for. On Linux
the file is written without a name (O_TMPFILE) and linked into place only once complete and
fsynced, so a crash or kill -9 mid-way leaves nothing behind (a new file is linked in under its
name; one that replaces a file is linked beside it as `.FILE.xxxxxxxxxxxx` and renamed over it,
so a kill in the instant between leaves that name); elsewhere it is written to `FILE.partial`,
renamed when complete and removed when writing fails.
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from tarry.base.errors import InvalidInput


@contextmanager
def output(
    path: str | Path, mode: str = "w", *, field: str = "path", **options: Any
) -> Iterator[IO[Any]]:
    """Open `path` for writing (`mode` "w" or "wb", `options` as for open()); it appears, whole,
    when the block ends without an error. An OSError becomes InvalidInput naming the file and
    the `field` it came from."""
    target = Path(path)
    if "b" not in mode:
        options.setdefault("encoding", "utf-8")
    partial = target.with_name(target.name + ".partial")
    try:
        fd = _unnamed(target.parent)
        named = fd is None
        if fd is None:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, mode, **options) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
            _publish(partial if named else out.fileno(), target)
    except OSError as exc:
        raise InvalidInput(
            f"Cannot write {target}: {exc.strerror}.",
            field=field,
            expected="a file in a folder you can write to",
        ) from exc
    finally:
        partial.unlink(missing_ok=True)  # left only when writing failed


def write_bytes(path: str | Path, data: bytes, *, field: str = "path") -> None:
    with output(path, "wb", field=field) as out:
        out.write(data)


def _unnamed(directory: Path) -> int | None:
    """A 0600 file without a name in `directory`; None where the system or file system has none."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not Path("/proc/self/fd").is_dir():
        return None
    try:
        return os.open(directory, flag | os.O_WRONLY, 0o600)
    except IsADirectoryError:  # a kernel older than O_TMPFILE reads the flag as O_DIRECTORY
        return None
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EINVAL):  # this file system cannot
            return None
        raise


def _publish(source: Path | int, target: Path) -> None:
    """Give the finished file its name: rename `FILE.partial`, or link the unnamed file in."""
    if isinstance(source, Path):
        os.replace(source, target)
        return
    unnamed = f"/proc/self/fd/{source}"
    folder = os.open(target.parent, os.O_RDONLY)
    try:  # with a dir_fd, os.link calls linkat(AT_SYMLINK_FOLLOW): the fd's unnamed file
        try:  # a new file: linked in under its name at once, so no kill leaves a second name
            os.link(unnamed, target.name, dst_dir_fd=folder, follow_symlinks=True)
            return
        except FileExistsError:  # replacing a file: linked beside it, then renamed over it
            pass
        temporary = f".{target.name}.{secrets.token_hex(6)}"
        os.link(unnamed, temporary, dst_dir_fd=folder, follow_symlinks=True)
        try:
            os.replace(temporary, target.name, src_dir_fd=folder, dst_dir_fd=folder)
        except OSError:
            os.unlink(temporary, dir_fd=folder)
            raise
    finally:
        os.close(folder)
