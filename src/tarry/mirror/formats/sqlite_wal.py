"""Replays a SQLite write-ahead log (a `-wal` file) onto a database image held in memory.

Format: https://www.sqlite.org/fileformat2.html#the_write_ahead_log. What is applied is what
SQLite itself would read: the frames whose salts match the log's header and whose chained
checksum holds, up to the last commit among them. The image is a bytearray changed in place;
nothing is written to any file.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import BinaryIO, NamedTuple

MAGIC = 0x377F0682  # the low bit set (0x377F0683) means checksums over big-endian words
VERSION = 3007000
HEADER = struct.Struct(">8I")  # magic, version, page size, checkpoint, salt 1, 2, checksum 1, 2
FRAME = struct.Struct(">6I")  # page number, size after commit (0: not a commit), salts, checksum
MASK = 0xFFFFFFFF
DB_HEADER = 100  # bytes of the database file's own header, on page 1


class Ignored(Exception):
    """The log as a whole cannot be used; the image is left as the main file has it."""


class Header(NamedTuple):
    big_endian: bool
    page_size: int
    salts: tuple[int, int]
    checksum: tuple[int, int]


class Frame(NamedTuple):
    page_number: int
    commit_size: int
    page: memoryview


def replay(image: bytearray, wal: BinaryIO) -> int:
    """Apply the log's committed frames to `image`; the number of frames applied.

    Raises Ignored, with the image untouched, when the log does not fit the database.
    """
    data = wal.read(HEADER.size)
    if not data:
        return 0  # SQLite leaves an empty log after a checkpoint
    header = read_header(data, database_page_size(image))
    main_pages = -(-len(image) // header.page_size)
    pages, size, applied = committed(frames(wal, header), main_pages)
    if size:
        apply(image, pages, size, header.page_size)
    return applied


def clear_wal_mode(image: bytearray) -> None:
    """Mark the image as a rollback-journal database (header bytes 18 and 19: 2 -> 1).

    SQLite opens a database marked for WAL only where it can share memory for the log's index,
    which an in-memory database cannot ("unable to open database file").
    """
    for at in (18, 19):
        if len(image) > at and image[at] == 2:
            image[at] = 1


def database_page_size(image: bytes | bytearray) -> int:
    """The page size in the database header (bytes 16-17, big-endian; 1 stands for 65536)."""
    if len(image) < DB_HEADER or not image.startswith(b"SQLite format 3\x00"):
        raise Ignored("the database file has no SQLite header")
    size = int.from_bytes(image[16:18], "big")
    return 65536 if size == 1 else size


def read_header(data: bytes, db_page_size: int) -> Header:
    if len(data) < HEADER.size:
        raise Ignored(f"its header is cut short ({len(data)} of {HEADER.size} bytes)")
    magic, version, page_size, _, salt1, salt2, sum1, sum2 = HEADER.unpack(data)
    if magic & ~1 != MAGIC or version != VERSION:
        raise Ignored("it does not start with SQLite's write-ahead log header")
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        raise Ignored(f"its page size {page_size} is not a power of two from 512 to 65536")
    if page_size != db_page_size:
        raise Ignored(f"its page size {page_size} is not the database's ({db_page_size})")
    header = Header(bool(magic & 1), page_size, (salt1, salt2), (sum1, sum2))
    if checksum(memoryview(data)[:24], big_endian=header.big_endian) != header.checksum:
        raise Ignored("its header checksum does not match")
    return header


def frames(wal: BinaryIO, header: Header) -> Iterator[Frame]:
    """The log's valid frames, up to the first one cut short, of another salt or checksum."""
    running, size = header.checksum, FRAME.size + header.page_size
    while len(data := wal.read(size)) == size:
        page_number, commit_size, salt1, salt2, sum1, sum2 = FRAME.unpack_from(data)
        if (salt1, salt2) != header.salts or page_number == 0:
            return
        view = memoryview(data)
        running = checksum(view[:8], running, big_endian=header.big_endian)
        running = checksum(view[FRAME.size :], running, big_endian=header.big_endian)
        if running != (sum1, sum2):
            return
        yield Frame(page_number, commit_size, view[FRAME.size :])


def committed(valid: Iterator[Frame], main_pages: int) -> tuple[dict[int, memoryview], int, int]:
    """The latest committed version of each page, the size after the last commit, frames used.

    A commit may grow the database by at most one page per frame read so far; one that claims
    more was not written by SQLite, and its log is refused before the image is grown to match.
    """
    pages: dict[int, memoryview] = {}
    pending: dict[int, memoryview] = {}
    size = applied = 0
    for count, frame in enumerate(valid, start=1):
        pending[frame.page_number] = frame.page
        if frame.commit_size:
            if frame.commit_size > main_pages + count:
                raise Ignored(
                    f"frame {count} gives the database {frame.commit_size} pages; the file and"
                    f" the log up to there hold at most {main_pages + count}"
                )
            pages.update(pending)
            pending.clear()
            size, applied = frame.commit_size, count
    return pages, size, applied


def apply(image: bytearray, pages: dict[int, memoryview], size: int, page_size: int) -> None:
    """Write `pages` into `image` (page 1 first) and cut or extend it to `size` pages."""
    end = size * page_size
    del image[end:]
    for number in sorted(n for n in pages if n <= size):
        offset = (number - 1) * page_size
        if len(image) < offset:
            image.extend(bytes(offset - len(image)))  # pages the log never wrote read as zeros
        image[offset : offset + page_size] = pages.pop(number)
    image.extend(bytes(end - len(image)))


def checksum(
    data: bytes | memoryview, seed: tuple[int, int] = (0, 0), *, big_endian: bool = False
) -> tuple[int, int]:
    """SQLite's log checksum of `data` (a multiple of 8 bytes), continuing from `seed`."""
    s0, s1 = seed
    words = iter(struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data))
    for x0, x1 in zip(words, words, strict=True):
        s0 = (s0 + x0 + s1) & MASK
        s1 = (s1 + x1 + s0) & MASK
    return s0, s1
