"""What an importer reads: the bytes of one file (or a folder on disk), by the name the person
knows it by.

Usually a file or folder on disk (`Source.local`). A web upload is a sealed spool, decrypted as
it is read and named after the file the person chose: the name gives hints (a WhatsApp chat's
title, the format by extension) and appears in messages, and a source that is not on disk has
no neighbours to look for (an iMessage database's `-wal`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from tarry.base.errors import InvalidInput

Opener = Callable[[], BinaryIO]


class Source:
    def __init__(self, path: Path, opener: Opener | None = None, size: int | None = None) -> None:
        self.path = path
        self._opener, self._size = opener, size

    @classmethod
    def local(cls, path: str | Path) -> Source:
        return cls(Path(path))

    @property
    def on_disk(self) -> bool:
        return self._opener is None

    @property
    def is_folder(self) -> bool:
        return self.on_disk and self.path.is_dir()

    def exists(self) -> bool:
        return not self.on_disk or self.path.exists()

    def open(self) -> BinaryIO:
        try:
            return self._opener() if self._opener else self.path.open("rb")
        except OSError as exc:
            raise InvalidInput(f"Cannot read {self.path}: {exc.strerror}.") from exc

    def size(self) -> int:
        return self._size if self._size is not None else self.path.stat().st_size

    def __str__(self) -> str:
        return str(self.path)


def as_source(path: str | Path | Source) -> Source:
    return path if isinstance(path, Source) else Source.local(path)
