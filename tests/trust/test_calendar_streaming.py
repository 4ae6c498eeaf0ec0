"""Scenario 16 (issue 17, 7): a calendar is read as it streams in, never whole.

A 50 MB .ics took 1.17 GB; a 1 GB one was a MemoryError traceback; a 2 GB folded line was
refused only after 27 s and 7.9 GB. Now lines are decoded and scanned as they are read, events
are kept only with what tarry reads, files over the import's byte limit are refused before
reading, and an over-long line (folded or not) as soon as 16 MB of it is read: anything refused
within 10 s and 500 MB, in a forked child, the store byte-identical.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tarry.store import Store
from tests.trust.conftest import Env, fingerprint
from tests.trust.measure import Measured, measured

HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"


def big_calendar(path: Path, size: int) -> int:
    """`size` bytes of single events with long descriptions and an X- property each."""
    rng, count, written = random.Random(1), 0, 0
    description = "lorem ipsum dolor sit amet " * 30
    with path.open("w", newline="") as out:
        out.write(HEAD)
        while written < size:
            day = rng.randrange(0, 1000)
            stamp = f"{2025 + day // 365}{1 + day % 365 // 31:02d}{1 + day % 28:02d}"
            event = (
                f"BEGIN:VEVENT\r\nUID:e{count}@x\r\nDTSTART:{stamp}T100000Z\r\n"
                f"DTEND:{stamp}T110000Z\r\nSUMMARY:event {count}\r\n"
                f"DESCRIPTION:{description}{count}\r\nX-EXTRA:{'z' * 100}\r\nEND:VEVENT\r\n"
            )
            out.write(event)
            written += len(event)
            count += 1
        out.write("END:VCALENDAR\r\n")
    return count


def sparse(path: Path, head: bytes, size: int) -> Path:
    """`head`, then zeros up to `size` bytes that take no room on disk."""
    with path.open("wb") as out:
        out.write(head)
        out.truncate(size)
    return path


@pytest.fixture
def kept(env: Env) -> Env:
    Store.open(env.home).close()
    return env


def _refused(env: Env, ics: Path, expected: str) -> Measured:
    before = fingerprint(env.home)
    done = measured(env, ["import", "calendar", str(ics)], 15)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert done.code == 2 and expected in done.stderr, done.stderr
    assert done.seconds < 10, f"{done.seconds:.1f} s"
    assert done.megabytes < 500, f"{done.megabytes:.0f} MB"
    assert fingerprint(env.home) == before
    return done


@pytest.mark.slow
def test_a_50_mb_calendar_is_imported_in_bounded_memory(kept: Env, tmp_path: Path) -> None:
    ics = tmp_path / "big.ics"
    count = big_calendar(ics, 50_000_000)
    done = measured(kept, ["import", "calendar", str(ics), "--json"], 180)
    assert done.code == 0, done.stderr
    assert done.megabytes < 400, f"{done.megabytes:.0f} MB"  # 1.17 GB before
    with Store.open(kept.home) as store:
        assert store.scalar("SELECT count(*) FROM time_blocks") == count


@pytest.mark.parametrize("gigabytes", [1, 2])
def test_a_huge_calendar_is_refused_before_reading(
    kept: Env, tmp_path: Path, gigabytes: int
) -> None:
    ics = sparse(tmp_path / "huge.ics", (HEAD + "X-A:").encode(), gigabytes << 30)
    _refused(kept, ics, "a calendar import reads at most 256 MiB")


def test_an_endless_folded_line_is_refused_as_it_is_read(kept: Env, tmp_path: Path) -> None:
    """Under the size limit, so it is read: refused once 16 MB of the unfolded line is in."""
    folds = (" " + "a" * 73 + "\r\n") * ((40 << 20) // 76)
    ics = sparse(tmp_path / "folded.ics", (HEAD + "X-A:b\r\n" + folds).encode(), 200 << 20)
    _refused(kept, ics, "line 4: the line starting here is longer than 16 MB")


def test_invalid_utf8_deep_in_a_file_names_its_byte(kept: Env, tmp_path: Path) -> None:
    ics = tmp_path / "bad.ics"
    big_calendar(ics, 5_000_000)
    data = bytearray(ics.read_bytes())
    where = data.index(b"SUMMARY:event 4000\r")
    data[where + 10 : where + 11] = b"\xff"
    ics.write_bytes(bytes(data))
    _refused(kept, ics, f"bad.ics, byte {where + 10}: is not UTF-8 text")
