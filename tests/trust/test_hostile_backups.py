"""Scenario 17 (issue 17, 8): a hostile backup is refused quickly, before anything is written.

Each runs `tarry restore` in a forked child: under 10 s and 500 MB, under 1 MB written, exit 2
with a clear error naming the file, and the store byte-identical.
"""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from tarry.declare import people
from tarry.store import Store
from tests.trust.backups import forge, genuine
from tests.trust.conftest import Env, fingerprint
from tests.trust.measure import measured

SECONDS, MEGABYTES, WRITTEN = 10.0, 500, 1 << 20


def generated_blob(root: Path) -> Path:
    """A column that makes a 400 MB blob each time a row is read (32 s and 4.2 GB before)."""
    return forge(
        genuine(root),
        root / "generated.tarry-backup",
        lambda c: c.execute(
            "ALTER TABLE people ADD COLUMN big BLOB"
            " GENERATED ALWAYS AS (zeroblob(400000000)) VIRTUAL"
        ),
    )


def zero_filled(root: Path, size: int = 4000 << 20) -> Path:
    """A database member that inflates to 4,000 MiB of zeros from a few MB of deflate."""
    chunk = bytes(1 << 20)
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = squeeze.compress(chunk) + squeeze.flush(zlib.Z_FULL_FLUSH)  # the same every time
    data = block * (size // len(chunk)) + squeeze.flush()
    crc = 0
    for _ in range(size // len(chunk)):
        crc = zlib.crc32(chunk, crc)
    manifest = json.dumps(
        {
            "format": "tarry-backup",
            "version": 1,
            "encrypted": False,
            "schema_version": 9,
            "digest": "0" * 64,
            "created_at": "",
            "files": {"tarry.db": "0" * 64},
        }
    ).encode()
    made = root / "zeros.tarry-backup"
    made.write_bytes(
        _zip(
            [
                ("tarry.db", data, crc, size, 8),
                ("manifest.json", manifest, zlib.crc32(manifest), len(manifest), 0),
            ]
        )
    )
    return made


def _zip(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    body, central = b"", b""
    for name, data, crc, size, method in entries:
        encoded = name.encode()
        fields = (20, 0, method, 0, 0, crc, len(data), size, len(encoded), 0)
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + encoded + data
        central += (
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, offset) + encoded
        )
    count = len(entries)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), len(body), 0)
    return body + central + end


def padded(root: Path) -> Path:
    """A stored database with 50 MB of zeros after the size its header gives."""
    with zipfile.ZipFile(genuine(root)) as archive:
        db = archive.read("tarry.db")
    return forge(genuine(root, "other"), root / "padded.tarry-backup", db=db + bytes(50 << 20))


def deep_manifest(root: Path) -> Path:
    made = root / "deep.tarry-backup"
    with zipfile.ZipFile(made, "w") as out:
        out.writestr("manifest.json", b"[" * 200_000 + b"]" * 200_000)
    return made


CASES = {
    "generated 400 MB column": (generated_blob, "unlike the one tarry writes"),
    "4,000 MiB zero-filled member": (zero_filled, "compressed or oversized"),
    "padded database": (padded, "not a whole SQLite file"),
    "deeply nested manifest": (deep_manifest, "not a tarry backup"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_hostile_backup_is_refused_before_writing(env: Env, tmp_path: Path, name: str) -> None:
    with Store.open(env.home) as store:
        people.add(store, "Kept")
    build, expected = CASES[name]
    hostile = build(tmp_path)
    before = fingerprint(env.home)
    try:
        done = measured(env, ["restore", str(hostile), "--replace"], SECONDS + 5)
    finally:
        hostile.unlink()
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert done.code == 2 and expected in done.stderr, done.stderr
    assert done.seconds < SECONDS, f"{done.seconds:.1f} s"
    assert done.megabytes < MEGABYTES, f"{done.megabytes:.0f} MB"
    assert 0 <= done.written < WRITTEN, f"{done.written} bytes written"
    assert fingerprint(env.home) == before
    assert not (env.home / ".swap").exists()
