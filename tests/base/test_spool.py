"""Sealed spools: what is written reads back byte for byte (any seek), and only ciphertext is on
disk."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarry.base.errors import StoreError
from tarry.base.spool import CHUNK, TAG, Spool

SIZES = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5]


def filled(path: Path, data: bytes, piece: int = 1000) -> Spool:
    spool = Spool(path)
    for start in range(0, len(data), piece):
        spool.write(data[start : start + piece])
    spool.close()
    return spool


@pytest.mark.parametrize("size", SIZES)
def test_round_trip_and_nothing_plain_on_disk(tmp_path: Path, size: int) -> None:
    data = (b"CANARY-" + bytes(range(256))) * (size // 263 + 1)
    data = data[:size]
    spool = filled(tmp_path / "s.spool", data)
    assert spool.size == size
    with spool.open() as fp:
        assert fp.read() == data
    on_disk = spool.path.read_bytes()
    chunks = -(-size // CHUNK)
    assert len(on_disk) == size + chunks * TAG
    assert b"CANARY" not in on_disk
    assert stat.S_IMODE(spool.path.stat().st_mode) == 0o600
    spool.remove()
    assert not spool.path.exists()


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(0, 3 * CHUNK),
    steps=st.lists(
        st.tuples(
            st.integers(-10, 3 * CHUNK + 10), st.sampled_from([0, 1, 2]), st.integers(0, CHUNK + 7)
        ),
        max_size=12,
    ),
)
def test_seeks_and_reads_match_a_plain_file(tmp_path_factory, size: int, steps) -> None:
    data = bytes((i * 7 + i // 251) % 256 for i in range(size))
    spool = filled(tmp_path_factory.mktemp("spool") / "s.spool", data, piece=4097)
    plain = io.BytesIO(data)
    with spool.open() as fp:
        for offset, whence, count in steps:
            if {0: offset, 1: plain.tell() + offset, 2: size + offset}[whence] < 0:
                continue
            assert fp.seek(offset, whence) == plain.seek(offset, whence)
            assert fp.read(count) == plain.read(count)
            assert fp.tell() == plain.tell()
    spool.remove()


def test_a_zip_reads_through_a_spool(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("WhatsApp Chat with Sam.txt", "hello " * 50000)
        archive.writestr("photo.jpg", bytes(range(256)) * 400)
    spool = filled(tmp_path / "z.spool", buffer.getvalue())
    with spool.open() as fp, zipfile.ZipFile(fp) as archive:
        assert archive.read("WhatsApp Chat with Sam.txt") == b"hello " * 50000
        assert archive.read("photo.jpg") == bytes(range(256)) * 400


def test_a_changed_spool_is_an_error_not_wrong_bytes(tmp_path: Path) -> None:
    spool = filled(tmp_path / "s.spool", b"x" * (CHUNK + 10))
    raw = bytearray(spool.path.read_bytes())
    raw[CHUNK + TAG + 3] ^= 1  # a byte of the second chunk
    spool.path.write_bytes(bytes(raw))
    with spool.open() as fp:
        assert fp.read(CHUNK) == b"x" * CHUNK
        with pytest.raises(StoreError, match="was changed while tarry read it"):
            fp.read()


def test_another_process_cannot_read_it(tmp_path: Path) -> None:
    """The key lives only in the spool object: a second one over the same file cannot decrypt."""
    first = filled(tmp_path / "s.spool", b"secret chat" * 10)
    sealed = first.path.read_bytes()
    first.path.unlink()
    second = filled(tmp_path / "s.spool", b"")
    second.path.write_bytes(sealed)
    second.size = len(b"secret chat" * 10)
    with second.open() as fp, pytest.raises(StoreError):
        fp.read()


def test_spools_never_overwrite(tmp_path: Path) -> None:
    Spool(tmp_path / "s.spool").close()
    with pytest.raises(FileExistsError):
        Spool(tmp_path / "s.spool")
