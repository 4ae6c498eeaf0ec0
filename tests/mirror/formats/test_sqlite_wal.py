"""The write-ahead log replayed in memory gives what SQLite itself reads from the same two files."""

from __future__ import annotations

import io
import shutil
import sqlite3
import struct
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarry.mirror.formats import sqlite_wal

Rows = list[tuple[int, str]]
Order = Literal["little", "big"]
PAGE = 4096
FRAME = 24 + PAGE


@pytest.fixture
def live(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """An open WAL-mode database whose log is never checkpointed while the test runs."""
    conn = sqlite3.connect(tmp_path / "live.db", isolation_level=None)
    conn.execute(f"PRAGMA page_size = {PAGE}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")
    yield conn
    conn.close()


def write(conn: sqlite3.Connection, *texts: str) -> None:
    """One transaction (so one commit frame) per text."""
    for text in texts:
        conn.execute("INSERT INTO note (text) VALUES (?)", (text,))


def snapshot(conn: sqlite3.Connection) -> tuple[bytes, bytes]:
    """The main file and its log as they are now; closing the connection would checkpoint."""
    main = Path(conn.execute("PRAGMA database_list").fetchone()[2])
    return main.read_bytes(), main.with_name(main.name + "-wal").read_bytes()


def replayed(main: bytes, wal: bytes) -> tuple[int, Rows]:
    """Frames applied and the rows read from the in-memory image."""
    image = bytearray(main)
    applied = sqlite_wal.replay(image, io.BytesIO(wal))
    sqlite_wal.clear_wal_mode(image)
    conn = sqlite3.connect(":memory:")
    conn.deserialize(image)
    return applied, conn.execute("SELECT id, text FROM note ORDER BY id").fetchall()


def sqlite_reads(main: bytes, wal: bytes, folder: Path) -> Rows:
    """The rows SQLite itself sees when it opens the same two files."""
    folder.mkdir()
    (folder / "copy.db").write_bytes(main)
    (folder / "copy.db-wal").write_bytes(wal)
    conn = sqlite3.connect(folder / "copy.db")
    try:
        return conn.execute("SELECT id, text FROM note ORDER BY id").fetchall()
    finally:
        conn.close()
        shutil.rmtree(folder)


def frame_headers(wal: bytes) -> list[tuple[int, int]]:
    """(page number, size after commit) of each frame, read independently of the module."""
    return [struct.unpack_from(">II", wal, at) for at in range(32, len(wal) - FRAME + 1, FRAME)]


def reference_checksum(
    data: bytes, s0: int = 0, s1: int = 0, order: Order = "little"
) -> tuple[int, int]:
    """The checksum as fileformat2.html words it, one pair of words at a time."""
    for at in range(0, len(data), 8):
        s0 = (s0 + int.from_bytes(data[at : at + 4], order) + s1) % 2**32
        s1 = (s1 + int.from_bytes(data[at + 4 : at + 8], order) + s0) % 2**32
    return s0, s1


def rechain(
    wal: bytes,
    *,
    big_endian: bool = False,
    stale_from: int = 1 << 30,
    edit: dict[int, tuple[int, int]] | None = None,
) -> bytes:
    """The log with valid checksums again after changes: the byte order of its checksums,
    salts (1, 2) on frames from index `stale_from`, or {index: (page, commit size)} edits."""
    order: Order = "big" if big_endian else "little"
    headers, header = frame_headers(wal), bytearray(wal[:32])
    header[:4] = (sqlite_wal.MAGIC | big_endian).to_bytes(4, "big")
    running = reference_checksum(bytes(header[:24]), order=order)
    header[24:] = struct.pack(">II", *running)
    out = [bytes(header)]
    for index, at in enumerate(range(32, len(wal) - FRAME + 1, FRAME)):
        frame = bytearray(wal[at : at + FRAME])
        frame[:8] = struct.pack(">II", *(edit or {}).get(index, headers[index]))
        frame[8:16] = struct.pack(">II", 1, 2) if index >= stale_from else header[16:24]
        running = reference_checksum(bytes(frame[:8] + frame[24:]), *running, order=order)
        frame[16:24] = struct.pack(">II", *running)
        out.append(bytes(frame))
    return b"".join(out)


def test_the_replayed_image_holds_what_sqlite_reads(
    live: sqlite3.Connection, tmp_path: Path
) -> None:
    write(live, "one", "two", "three")
    live.execute("UPDATE note SET text = 'TWO' WHERE id = 2")
    main, wal = snapshot(live)
    assert replayed(main, wal) == (6, [(1, "one"), (2, "TWO"), (3, "three")])
    assert sqlite_reads(main, wal, tmp_path / "sqlite") == [(1, "one"), (2, "TWO"), (3, "three")]
    assert len(frame_headers(wal)) == 6  # create (pages 1, 2), three inserts, one update


def test_a_trailing_uncommitted_transaction_is_left_out(
    live: sqlite3.Connection, tmp_path: Path
) -> None:
    write(live, "kept")
    live.execute("PRAGMA cache_size = 2")  # so the open transaction spills pages into the log
    live.execute("BEGIN")
    for n in range(300):
        live.execute("INSERT INTO note (text) VALUES (?)", (f"uncommitted {n} " + "x" * 500,))
    main, wal = snapshot(live)
    live.execute("ROLLBACK")
    headers = frame_headers(wal)
    assert len(headers) > 3 and [c for _, c in headers[3:]] == [0] * (len(headers) - 3)
    assert replayed(main, wal) == (3, [(1, "kept")])
    assert sqlite_reads(main, wal, tmp_path / "sqlite") == [(1, "kept")]


@pytest.mark.parametrize(("frame", "applied", "rows"), [(2, 2, []), (3, 3, [(1, "a")])])
def test_a_flipped_byte_ends_the_log_at_its_frame(
    live: sqlite3.Connection, tmp_path: Path, frame: int, applied: int, rows: Rows
) -> None:
    write(live, "a", "b")
    main, wal = snapshot(live)
    damaged = bytearray(wal)
    damaged[32 + frame * FRAME + 24 + 100] ^= 0x01
    assert replayed(main, bytes(damaged)) == (applied, rows)
    assert sqlite_reads(main, bytes(damaged), tmp_path / "sqlite") == rows


def test_frames_with_an_older_generations_salts_are_left_out(
    live: sqlite3.Connection, tmp_path: Path
) -> None:
    write(live, "a", "b", "c")
    main, wal = snapshot(live)
    older = rechain(wal, stale_from=3)  # checksums valid, salts not the header's
    assert replayed(main, older) == (3, [(1, "a")])
    assert sqlite_reads(main, older, tmp_path / "sqlite") == [(1, "a")]


def test_a_restarted_log_reads_its_new_frames_only(
    live: sqlite3.Connection, tmp_path: Path
) -> None:
    write(live, "a", "b", "c", "d")
    live.execute("PRAGMA wal_checkpoint(RESTART)")
    live.execute("DELETE FROM note WHERE id > 1")
    main, wal = snapshot(live)
    assert len(frame_headers(wal)) == 6  # one new frame, then five of the old generation
    assert replayed(main, wal) == (1, [(1, "a")])
    assert sqlite_reads(main, wal, tmp_path / "sqlite") == [(1, "a")]


def test_big_endian_checksums(live: sqlite3.Connection, tmp_path: Path) -> None:
    write(live, "a", "b")
    main, wal = snapshot(live)
    big = rechain(wal, big_endian=True)
    assert big[:4] == bytes.fromhex("377f0683")
    assert replayed(main, big) == (4, [(1, "a"), (2, "b")])
    assert sqlite_reads(main, big, tmp_path / "sqlite") == [(1, "a"), (2, "b")]


@pytest.mark.parametrize(
    ("data", "seed", "big_endian", "expected"),
    [
        (bytes.fromhex("0100000002000000"), (0, 0), False, (1, 3)),
        (bytes.fromhex("0100000002000000"), (0, 0), True, (0x01000000, 0x03000000)),
        (b"\xff" * 8, (1, 0), False, (0, 0xFFFFFFFF)),
        (b"\xff" * 16, (0, 0), True, (0xFFFFFFFC, 0xFFFFFFF9)),
    ],
)
def test_checksum_vectors(
    data: bytes, seed: tuple[int, int], big_endian: bool, expected: tuple[int, int]
) -> None:
    order: Order = "big" if big_endian else "little"
    assert reference_checksum(data, *seed, order=order) == expected
    assert sqlite_wal.checksum(data, seed, big_endian=big_endian) == expected


@pytest.mark.parametrize("big_endian", [False, True])
def test_checksum_matches_the_reference_over_a_page(big_endian: bool) -> None:
    page = bytes((n * 131 + n // 7) % 256 for n in range(PAGE))
    order: Order = "big" if big_endian else "little"
    expected = reference_checksum(page, 12345, 67890, order)
    assert sqlite_wal.checksum(page, (12345, 67890), big_endian=big_endian) == expected


def test_a_log_cut_mid_frame_keeps_the_commits_before_it(
    live: sqlite3.Connection, tmp_path: Path
) -> None:
    write(live, "a", "b")
    main, wal = snapshot(live)
    assert replayed(main, wal[:-100]) == (3, [(1, "a")])
    assert sqlite_reads(main, wal[:-100], tmp_path / "sqlite") == [(1, "a")]


def test_an_empty_log_changes_nothing(live: sqlite3.Connection) -> None:
    main, _ = snapshot(live)
    image = bytearray(main)
    assert sqlite_wal.replay(image, io.BytesIO(b"")) == 0
    assert image == main


def _page_size(wal: bytes, size: int) -> bytes:
    return wal[:8] + size.to_bytes(4, "big") + wal[12:]


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda w: w[:20], "its header is cut short (20 of 32 bytes)"),
        (lambda w: b"\0" * 4 + w[4:], "it does not start with SQLite's write-ahead log header"),
        (
            lambda w: _page_size(w, 1000),
            "its page size 1000 is not a power of two from 512 to 65536",
        ),
        (lambda w: _page_size(w, 256), "its page size 256 is not a power of two from 512 to 65536"),
        (lambda w: rechain(_page_size(w, 8192)), "its page size 8192 is not the database's (4096)"),
        (lambda w: w[:24] + bytes(8) + w[32:], "its header checksum does not match"),
        (
            lambda w: rechain(w, edit={2: (2, 2**32 - 1)}),
            "frame 3 gives the database 4294967295 pages; the file and the log up to there hold"
            " at most 4",
        ),
        (
            lambda w: rechain(w, edit={1: (2, 4)}),
            "frame 2 gives the database 4 pages; the file and the log up to there hold at most 3",
        ),
    ],
)
def test_a_log_that_does_not_fit_is_ignored_and_the_image_untouched(
    live: sqlite3.Connection, damage: Callable[[bytes], bytes], reason: str
) -> None:
    write(live, "a")
    main, wal = snapshot(live)
    image = bytearray(main)
    with pytest.raises(sqlite_wal.Ignored) as caught:
        sqlite_wal.replay(image, io.BytesIO(damage(wal)))
    assert str(caught.value) == reason
    assert image == main


def test_a_log_for_a_file_without_a_header_is_ignored() -> None:
    with pytest.raises(sqlite_wal.Ignored, match=r"^the database file has no SQLite header$"):
        sqlite_wal.replay(bytearray(b"not a database"), io.BytesIO(b"\0" * 32))


def test_a_wal_mode_image_opens_in_memory_only_once_marked_rollback(
    live: sqlite3.Connection,
) -> None:
    write(live, "a")
    live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    main, _ = snapshot(live)
    assert main[18:20] == b"\x02\x02"
    conn = sqlite3.connect(":memory:")
    conn.deserialize(main)
    with pytest.raises(sqlite3.OperationalError, match="unable to open database file"):
        conn.execute("SELECT * FROM note").fetchall()
    image = bytearray(main)
    sqlite_wal.clear_wal_mode(image)
    assert image[18:20] == b"\x01\x01"
    conn.deserialize(image)
    assert conn.execute("SELECT * FROM note").fetchall() == [(1, "a")]


def test_a_log_that_shrinks_the_database_cuts_the_image(
    live: sqlite3.Connection, tmp_path: Path
) -> None:
    write(live, *(f"row {n} " + "x" * 3000 for n in range(6)))
    live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    live.execute("DELETE FROM note")
    live.execute("VACUUM")
    main, wal = snapshot(live)
    image = bytearray(main)
    sqlite_wal.replay(image, io.BytesIO(wal))
    assert (len(main) // PAGE, len(image) // PAGE) == (8, 2)
    assert replayed(main, wal)[1] == [] == sqlite_reads(main, wal, tmp_path / "sqlite")


def signed_log(frames: list[tuple[int, int]], page_size: int = 512) -> bytes:
    """A log written from scratch: frame i is (page number, commit size), its page all byte i."""
    salts = (7, 9)
    header = struct.pack(">6I", sqlite_wal.MAGIC, sqlite_wal.VERSION, page_size, 0, *salts)
    running = reference_checksum(header)
    out = [header, struct.pack(">II", *running)]
    for index, (number, commit) in enumerate(frames):
        head, page = struct.pack(">II", number, commit), bytes([index % 256]) * page_size
        running = reference_checksum(head + page, *running)
        out += [head, struct.pack(">4I", *salts, *running), page]
    return b"".join(out)


def model(main: bytes, frames: list[tuple[int, int]], page_size: int = 512) -> bytes | None:
    """The image SQLite would read after `signed_log(frames)`; None where the log is refused."""
    main_pages = len(main) // page_size
    latest = {n + 1: main[n * page_size : (n + 1) * page_size] for n in range(main_pages)}
    pending, size = {}, main_pages
    for index, (number, commit) in enumerate(frames):
        if number == 0:
            break
        pending[number] = bytes([index % 256]) * page_size
        if commit and commit > main_pages + index + 1:
            return None
        if commit:
            latest, pending, size = {**latest, **pending}, {}, commit
    return b"".join(latest.get(n, bytes(page_size)) for n in range(1, size + 1))


SMALL_DB = (b"SQLite format 3\0" + (512).to_bytes(2, "big")).ljust(1024, b"\xee")
NUMBERS = st.integers(0, 6) | st.just(2**32 - 1)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(NUMBERS, NUMBERS), max_size=8))
def test_any_validly_signed_frames_give_the_models_image(frames: list[tuple[int, int]]) -> None:
    image = bytearray(SMALL_DB)
    expected = model(SMALL_DB, frames)
    try:
        sqlite_wal.replay(image, io.BytesIO(signed_log(frames)))
    except sqlite_wal.Ignored:
        assert expected is None and image == SMALL_DB
    else:
        assert image == expected
