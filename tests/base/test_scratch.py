"""Scratch files in memory: which folder counts as memory, its privacy, and stale files swept."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tarry.base import scratch
from tarry.base.errors import InvalidInput

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a Linux mount table")


def fs_type(path: Path) -> str:
    """The file system type as coreutils' `stat -f` reports it: an oracle independent of tarry."""
    return subprocess.run(
        ["stat", "-f", "-c", "%T", str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.strip()


@pytest.fixture
def mounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A made-up mount table: `ram` (and `ram/disk`, a disk mounted inside it) and `disk`."""
    for name in ("ram/disk", "disk", "with space"):
        (tmp_path / name).mkdir(parents=True)
    table = tmp_path / "mounts"
    table.write_text(
        "/dev/vda / ext4 rw 0 0\n"
        f"tmpfs {tmp_path}/ram tmpfs rw,nosuid 0 0\n"
        f"/dev/vdb {tmp_path}/ram/disk ext4 rw 0 0\n"
        f"ramfs {tmp_path}/with\\040space ramfs rw 0 0\n"
        "garbage\n"
    )
    monkeypatch.setattr(scratch, "MOUNTS", table)
    monkeypatch.setattr(scratch, "SHARED", ())
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("TARRY_MEMORY_DIR", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    return tmp_path


@linux_only
@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="no /dev/shm here")
def test_the_real_memory_folder_is_in_memory_and_private(monkeypatch) -> None:
    monkeypatch.delenv("TARRY_MEMORY_DIR", raising=False)
    if fs_type(Path("/dev/shm")) != "tmpfs":
        pytest.skip("/dev/shm is not a tmpfs here")
    folder = scratch.memory_folder()
    assert folder is not None and fs_type(folder) == "tmpfs"
    info = folder.lstat()
    assert stat.S_IMODE(info.st_mode) == 0o700 and info.st_uid == os.getuid()


def test_filesystem_reads_the_longest_mount_point(mounts: Path) -> None:
    assert scratch.filesystem(mounts / "ram") == "tmpfs"
    assert scratch.filesystem(mounts / "ram" / "x" / "y") == "tmpfs"
    assert scratch.filesystem(mounts / "ram" / "disk") == "ext4"
    assert scratch.filesystem(mounts / "ramble") == "ext4"  # a prefix of the name is not inside
    assert scratch.filesystem(mounts / "with space") == "ramfs"
    assert scratch.filesystem(mounts / "disk") == "ext4"


def test_runtime_dir_first_when_it_is_in_memory(mounts: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(mounts / "ram"))
    folder = scratch.memory_folder()
    assert folder == mounts / "ram" / f"tarry-{os.getuid()}"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_folders_on_disk_never_count(mounts: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(mounts / "ram" / "disk"))
    monkeypatch.setattr(scratch, "SHARED", (mounts / "disk", mounts / "nowhere"))
    assert scratch.memory_folder() is None
    monkeypatch.setattr(scratch, "SHARED", (mounts / "disk", mounts / "with space"))
    assert scratch.memory_folder() == mounts / "with space" / f"tarry-{os.getuid()}"


def test_a_planted_folder_is_refused_and_a_loose_one_tightened(mounts: Path, monkeypatch) -> None:
    monkeypatch.setattr(scratch, "SHARED", (mounts / "ram",))
    planted = mounts / "ram" / f"tarry-{os.getuid()}"
    planted.symlink_to(mounts / "disk")  # someone points our folder at a disk
    assert scratch.memory_folder() is None
    planted.unlink()
    planted.mkdir(mode=0o755)
    planted.chmod(0o755)
    assert scratch.memory_folder() == planted
    assert stat.S_IMODE(planted.stat().st_mode) == 0o700


def test_chosen_memory_dir(mounts: Path, monkeypatch) -> None:
    monkeypatch.setenv("TARRY_MEMORY_DIR", str(mounts / "ram"))
    assert scratch.memory_folder() == mounts / "ram" / f"tarry-{os.getuid()}"
    monkeypatch.setenv("TARRY_MEMORY_DIR", str(mounts / "disk"))
    with pytest.raises(InvalidInput, match=r"disk\b.* is on ext4, a disk, not in memory"):
        scratch.memory_folder()
    monkeypatch.setenv("TARRY_MEMORY_DIR", str(mounts / "missing"))
    with pytest.raises(InvalidInput, match="is not a folder"):
        scratch.memory_folder()


def test_without_a_mount_table_only_the_chosen_folder_is_trusted(mounts: Path, monkeypatch):
    monkeypatch.setattr(scratch, "MOUNTS", mounts / "no-such-table")
    monkeypatch.setattr(scratch, "SHARED", (mounts / "disk",))
    assert scratch.memory_folder() is None
    monkeypatch.setenv("TARRY_MEMORY_DIR", str(mounts / "disk"))  # e.g. a macOS RAM disk
    assert scratch.memory_folder() == mounts / "disk" / f"tarry-{os.getuid()}"


def test_new_file_is_private_and_stale_ones_are_swept(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=30)
    stale = tmp_path / f"entry-{dead.pid}-abc.md"
    mine = tmp_path / f"entry-{os.getpid()}-old.md"
    other = tmp_path / "entry-notapid.md"
    for path in (stale, mine, other):
        path.write_text("text")
    handle, path = scratch.new_file(tmp_path, "entry-", ".md")
    os.close(handle)
    assert path.name.startswith(f"entry-{os.getpid()}-") and path.suffix == ".md"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not stale.exists() and mine.exists() and other.exists()


@linux_only
def test_stat_oracle_agrees_with_the_mount_table() -> None:
    if shutil.which("stat") is None:
        pytest.skip("no stat(1)")
    for path in (Path("/"), Path("/dev/shm"), Path("/proc")):
        if path.is_dir() and scratch.filesystem(path) in ("ext4", "tmpfs"):
            assert fs_type(path) in (scratch.filesystem(path), "ext2/ext3")


def test_only_scratch_makes_temporary_files() -> None:
    """Plaintext goes through scratch (memory), spool (sealed) or outputs (asked for); a module
    reaching for `tempfile` would put it in $TMPDIR, on disk."""
    src = Path(scratch.__file__).parent
    users = sorted(
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if "import tempfile" in path.read_text(encoding="utf-8")
    )
    assert users == ["scratch.py"]
