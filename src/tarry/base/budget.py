"""What one import may write: records and bytes, counted as it goes, with free disk space checked
before it starts and while it runs.

A hostile or mistaken input (a zip that expands to 10 GB of valid lines, a calendar of endless
series) must not fill the disk or grow the store without end. An import stops, all or nothing,
when it passes either limit or when the disk holding the store gets close to full; the error
names the limit and how to raise it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from tarry.base.errors import NoSpace, TooLarge

MIB = 1 << 20
RESERVE = 128 * MIB  # left free on the disk (less on a small disk: a twentieth of it)
CHECK_EVERY = 16 * MIB  # bytes written between free-space checks
GROWTH = 3  # bytes on disk per byte of text imported (rows, indexes, full-text index, log)


@dataclass
class Budget:
    """Limits for one import. `what` names its records ("messages"); `records_field` and
    `bytes_field` the inputs that raise the limits (each shell names them in its own words)."""

    max_records: int
    max_bytes: int
    what: str
    records_field: str
    bytes_field: str = "max_bytes"
    records: int = 0
    bytes: int = 0
    _home: Path | None = None
    _checked_at: int = 0

    def start(self, home: Path, expected: int = 0) -> None:
        """Before writing: `expected` bytes of text (say, the input's size) must fit."""
        self._home, self._checked_at = home, 0
        need = GROWTH * min(expected, self.max_bytes)
        free, reserve = _free(home)
        if free - need < reserve:
            raise NoSpace(
                f"The disk holding {home} is too full for this import: {_size(free)} free,"
                f" it needs about {_size(need + reserve)}. Nothing was changed.",
                "Free some disk space and run the command again.",
            )

    def add(self, records: int, size: int) -> None:
        """Count what is about to be written; TooLarge or NoSpace before a limit is passed."""
        self.records += records
        self.bytes += size
        if self.records > self.max_records:
            raise TooLarge(
                f"This import holds more than {self.max_records:,} {self.what}; nothing was"
                " imported.",
                "If it really is that large, raise the limit.",
                field=self.records_field,
                expected=f"more {self.what} than {self.max_records:,}",
                example=str(self.max_records * 2),
            )
        if self.bytes > self.max_bytes:
            raise TooLarge(
                f"This import would write more than {_size(self.max_bytes)} of {self.what};"
                " nothing was imported.",
                "If it really is that large, raise the limit and check that the disk has room.",
                field=self.bytes_field,
                expected="a size in bytes, or with K, M or G",
                example="4G",
            )
        if self._home is not None and self.bytes - self._checked_at >= CHECK_EVERY:
            self._checked_at = self.bytes
            free, reserve = _free(self._home)
            if free < reserve:
                raise NoSpace(
                    f"The disk holding {self._home} is nearly full ({_size(free)} free); the"
                    " import stopped and nothing was imported.",
                    "Free some disk space and run the command again.",
                )


def _free(home: Path) -> tuple[int, int]:
    usage = shutil.disk_usage(home)
    return usage.free, min(RESERVE, usage.total // 20)


def _size(count: int) -> str:
    if count >= 1 << 30:
        return f"{count / (1 << 30):.1f} GiB"
    return f"{count / MIB:.0f} MiB" if count >= MIB else f"{count // 1024} KiB"


def parse_size(text: str) -> int:
    """'512M', '4G', '100000' (bytes) -> bytes; ValueError for anything else."""
    cleaned = text.strip().upper().removesuffix("B").removesuffix("I")
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    factor = units.get(cleaned[-1:], 1)
    number = cleaned[:-1] if cleaned[-1:] in units else cleaned
    value = float(number)
    if not 0 < value < float(1 << 50):
        raise ValueError(f"{text!r} is not a size")
    return int(value * factor)
