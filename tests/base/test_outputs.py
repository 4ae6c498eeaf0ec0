"""Files written at the person's request: 0600, whole or not at all, nothing left by a crash."""

from __future__ import annotations

import os
import signal
import stat
from pathlib import Path

import pytest

from tarry.base import outputs
from tarry.base.errors import InvalidInput


@pytest.fixture(params=["unnamed", "partial"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """Both ways of writing: an unnamed file (Linux) and FILE.partial (elsewhere)."""
    if request.param == "partial":
        monkeypatch.setattr(outputs, "_unnamed", lambda directory: None)
    elif outputs._unnamed(tmp_path) is None:
        pytest.skip("no O_TMPFILE on this system or file system")
    return str(request.param)


def test_written_whole_and_private(tmp_path: Path, way: str) -> None:
    target = tmp_path / "export.json"
    with outputs.output(target) as out:
        out.write("café\n")
    outputs.write_bytes(tmp_path / "c.ics", b"BEGIN:VCALENDAR\r\n", field="output")
    assert target.read_text(encoding="utf-8") == "café\n"
    assert (tmp_path / "c.ics").read_bytes() == b"BEGIN:VCALENDAR\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.ics", "export.json"]


def test_a_failure_leaves_the_old_file_and_nothing_else(tmp_path: Path, way: str) -> None:
    target = tmp_path / "export.json"
    target.write_text("the old export")
    with pytest.raises(RuntimeError), outputs.output(target) as out:
        out.write("half of the new one")
        raise RuntimeError("the store failed mid-way")
    assert target.read_text() == "the old export"
    assert [p.name for p in tmp_path.iterdir()] == ["export.json"]


def test_an_unwritable_place_is_a_clear_error(tmp_path: Path, way: str) -> None:
    with pytest.raises(InvalidInput, match=r"Cannot write .*nowhere/x.json: No such file"):
        outputs.write_bytes(tmp_path / "nowhere" / "x.json", b"{}", field="output")


def test_kill_9_mid_write_leaves_nothing(tmp_path: Path, way: str) -> None:
    target = tmp_path / "export.json"
    pid = os.fork()
    if pid == 0:  # the child writes half an export, then dies without any clean-up
        with outputs.output(target) as out:
            out.write("private text\n" * 100_000)
            out.flush()
            os.kill(os.getpid(), signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    left = [p.name for p in tmp_path.iterdir()]
    assert left == ([] if way == "unnamed" else ["export.json.partial"])


def test_kill_9_while_a_new_file_gets_its_name_leaves_it_whole_or_nothing(
    tmp_path: Path, way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The instant between "written" and "named": a new file is linked in under its own name at
    once (no second name to leave behind); the child dies at the first rename it would make."""
    target = tmp_path / "export.json"

    def die(*args: object, **kwargs: object) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    pid = os.fork()
    if pid == 0:
        monkeypatch.setattr(os, "replace", die)
        with outputs.output(target) as out:
            out.write("the whole export\n")
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    left = sorted(p.name for p in tmp_path.iterdir())
    if way == "unnamed":  # linked in whole; no rename was needed
        assert os.WIFEXITED(status) and left == ["export.json"]
        assert target.read_text() == "the whole export\n"
    else:  # killed at the rename: the partial file, never the name
        assert os.WIFSIGNALED(status) and left == ["export.json.partial"]


def test_a_new_export_replaces_the_old_one_and_leaves_nothing_else(
    tmp_path: Path, way: str
) -> None:
    target = tmp_path / "export.json"
    target.write_text("the old export")
    with outputs.output(target) as out:
        out.write("the new export")
    assert target.read_text() == "the new export"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["export.json"]
