"""Entries: the library and `tarry write` (stdin and a real $EDITOR script) and `tarry entries`."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tarry.base import scratch
from tarry.base.errors import InvalidInput, NotFound
from tarry.reflect import journal
from tarry.store import Store, encryption

AT = datetime(2026, 11, 18, 22, 0, tzinfo=UTC)


def test_write_and_get(store: Store) -> None:
    entry = journal.write(
        store, "  I was jealous today.\nSaid nothing.  ", prompt="What did you skip past?",
        tags=["Envy", "#inner", "envy, Work"], at=AT,
    )  # fmt: skip
    assert entry.to_dict() == {
        "id": 1,
        "at": "2026-11-18T22:00:00+00:00",
        "prompt": "What did you skip past?",
        "body": "I was jealous today.\nSaid nothing.",
        "tags": ["envy", "inner", "work"],
    }
    assert entry.title == "I was jealous today."
    assert journal.get(store, 1) == entry
    hits = store.scalar("SELECT count(*) FROM search_index WHERE search_index MATCH 'jealous'")
    assert hits == 1


def test_empty_entry_is_refused(store: Store) -> None:
    with pytest.raises(InvalidInput, match="empty; nothing was saved"):
        journal.write(store, " \n\t ")
    assert journal.all_entries(store) == []


def test_listing_filters_and_remove(store: Store) -> None:
    first = journal.write(store, "one", tags=["sam"], at=datetime(2026, 11, 1, tzinfo=UTC))
    second = journal.write(store, "two", tags=["work"], at=AT)
    assert [e.id for e in journal.all_entries(store)] == [second.id, first.id]
    assert [e.id for e in journal.all_entries(store, tag="#Sam")] == [first.id]
    since = datetime(2026, 11, 10, tzinfo=UTC)
    assert [e.id for e in journal.all_entries(store, since=since)] == [second.id]
    journal.remove(store, first.id)
    with pytest.raises(NotFound, match="No entry with id 1"):
        journal.get(store, first.id)


def test_template_round_trip() -> None:
    text = journal.template("Who have you let drift?") + "Teo.\n# A heading I wrote\n"
    assert journal.strip_template(text).strip() == "Teo.\n# A heading I wrote"


def drafts() -> list[Path]:
    """This process's editor files still in the memory folder."""
    folder = scratch.memory_folder()
    return list(folder.glob(f"entry-{os.getpid()}-*")) if folder else []


def test_editor_prefers_visual(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISUAL", "code --wait")
    monkeypatch.setenv("EDITOR", "nano")
    assert journal.editor_command() == ["code", "--wait"]


# CLI ------------------------------------------------------------------------------------------


def test_cli_write_from_stdin(cli, store: Store) -> None:
    result = cli("write", "--tag", "sam", "-t", "fear", input="Told Sam the truth.\n")
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == "Saved entry 1 [fear, sam]: Told Sam the truth."
    assert journal.get(store, 1).body == "Told Sam the truth."


def test_cli_empty_stdin_saves_nothing(cli, store: Store) -> None:
    result = cli("write", input="\n  \n")
    assert (result.code, result.stdout.strip()) == (0, "Nothing written, so nothing was saved.")
    assert journal.all_entries(store) == []


def editor_script(tmp_path: Path, body: str, exit_code: int = 0) -> Path:
    """A tiny editor: records where it was asked to edit and what it saw, then appends `body`."""
    script = tmp_path / "editor.sh"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$1" > "{tmp_path}/edited-path"\n'
        f'cp "$1" "{tmp_path}/seen"\n'
        f"printf '%s' '{body}' >> \"$1\"\n"
        f"exit {exit_code}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_cli_write_in_editor(cli, store: Store, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(editor_script(tmp_path, "Teo. One small step.")))
    result = cli("write", "--edit", "--prompt", "Who have you let drift?", "--tag", "drift")
    assert result.code == 0, result.stderr
    entry = journal.get(store, 1)
    assert (entry.prompt, entry.body, entry.tags) == (
        "Who have you let drift?",
        "Teo. One small step.",
        ["drift"],
    )
    edited = Path((tmp_path / "edited-path").read_text().strip())
    assert edited.parent == (scratch.memory_folder() or store.home)  # memory where there is one
    assert not edited.exists()  # deleted afterwards
    assert "# | Who have you let drift?" in (tmp_path / "seen").read_text()


def test_cli_editor_left_empty_saves_nothing(cli, store: Store, tmp_path: Path, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(editor_script(tmp_path, "")))
    result = cli("write", "--edit")
    assert result.stdout.strip() == "Nothing written, so nothing was saved."
    assert journal.all_entries(store) == []


def test_cli_failing_editor_exits_2(cli, store: Store, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(editor_script(tmp_path, "text", exit_code=3)))
    result = cli("write", "--edit")
    assert result.code == 2 and "exited with status 3; nothing was saved." in result.stderr
    monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))
    result = cli("write", "--edit")
    assert result.code == 2 and "Cannot start the editor" in result.stderr
    assert journal.all_entries(store) == []
    assert list(store.home.glob("entry-*")) == [] == drafts()


def test_cli_entries_list_and_show(cli, store: Store) -> None:
    journal.write(store, "First [bracketed] line\nmore", tags=["sam"], prompt="Why?", at=AT)
    journal.write(store, "Second", tags=["work"])
    listed = json.loads(cli("entries", "list", "--tag", "sam", "--json").stdout)
    assert [e["id"] for e in listed] == [1]
    assert "[bracketed]" in cli("entries", "list").stdout
    shown = cli("entries", "show", "1").stdout
    assert "Entry 1, Wednesday 2026-11-18 22:00" in shown and "Why?" in shown
    assert "First [bracketed] line\nmore" in shown
    assert json.loads(cli("entries", "show", "1", "--json").stdout)["tags"] == ["sam"]
    assert cli("entries", "show", "9").code == 2


def test_no_editor_anywhere(cli, store: Store, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no sensible-editor, nano or vi
    with pytest.raises(InvalidInput, match="No editor found"):
        journal.editor_command()
    result = cli("write", "--edit")
    assert result.code == 2 and "Set $EDITOR" in result.stderr


@pytest.mark.parametrize(
    ("data", "offset", "bad"),
    [(b"caf\xe9\n", 3, "0xe9"), (b"ok \xff\xfe\x00 junk", 3, "0xff"), (b"\x80", 0, "0x80")],
)
def test_cli_write_refuses_stdin_that_is_not_utf8(
    cli, store: Store, data: bytes, offset: int, bad: str
) -> None:
    result = cli("write", input=data)
    assert result.code == 2
    assert result.stderr.splitlines()[0] == (
        f"error: stdin, byte {offset}: not UTF-8 text (byte {bad} at offset {offset});"
        " nothing was saved."
    )
    assert "Traceback" not in result.stderr
    assert journal.all_entries(store) == []


def test_cli_write_reads_utf8_stdin_as_bytes(cli, store: Store) -> None:
    assert cli("write", input="café, naïve, 愛\n".encode()).code == 0
    assert journal.get(store, 1).body == "café, naïve, 愛"


def test_cli_editor_file_that_is_not_utf8_saves_nothing(
    cli, store: Store, tmp_path: Path, monkeypatch
) -> None:
    script = tmp_path / "latin1-editor.sh"
    script.write_text("#!/bin/sh\nprintf 'caf\\351\\n' >> \"$1\"\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(script))
    result = cli("write", "--edit", "--prompt", "Q")
    assert result.code == 2
    assert result.stderr.startswith("error: the editor's file, byte ")
    assert "not UTF-8 text (byte 0xe9" in result.stderr
    assert journal.all_entries(store) == [] and list(store.home.glob("entry-*")) == []
    assert drafts() == []


@pytest.mark.parametrize(
    ("args", "line"),
    [
        ([], "No entries yet. Write one: tarry write (or echo '...' | tarry write)."),
        (["--tag", "nosuch"], "No entries tagged nosuch."),
        (
            ["--tag", "#NoSuch", "--since", "2026-11-01"],
            "No entries tagged nosuch since 2026-11-01.",
        ),
    ],
)
def test_cli_empty_listing_says_so_in_one_line(cli, store: Store, args: list[str], line: str):
    assert cli("entries", "list", *args).stdout == line + "\n"
    journal.write(store, "Something", tags=["sam"])
    if args:
        assert cli("entries", "list", *args).stdout == line + "\n"


# Where the editor's file lives -------------------------------------------------------------


@pytest.fixture
def no_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A system without a memory folder (as macOS or Windows by default)."""
    monkeypatch.setattr(scratch, "MOUNTS", tmp_path / "no-mount-table")
    monkeypatch.delenv("TARRY_MEMORY_DIR", raising=False)
    assert scratch.memory_folder() is None


@pytest.mark.usefixtures("no_memory")
def test_without_memory_a_plain_store_drafts_in_its_home(cli, store: Store, tmp_path, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(editor_script(tmp_path, "On disk, in the home.")))
    assert cli("write", "--edit").code == 0
    edited = Path((tmp_path / "edited-path").read_text().strip())
    assert edited.parent == store.home and not edited.exists()
    assert journal.get(store, 1).body == "On disk, in the home."


@pytest.fixture
def locked_home(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TARRY_KDF", "minimum")
    encryption.create(home, "a long passphrase")
    monkeypatch.setenv("TARRY_PASSPHRASE", "a long passphrase")
    return home


@pytest.mark.usefixtures("no_memory")
def test_without_memory_an_encrypted_store_asks_first(
    cli, locked_home: Path, tmp_path, monkeypatch
):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(editor_script(tmp_path, "Never on disk.")))
    result = cli("write", "--edit")  # stdin is not a terminal: nobody to ask, so no
    assert result.code == 2
    assert "no folder in memory, so your text would sit on disk unencrypted" in result.stderr
    assert "TARRY_MEMORY_DIR" in result.stderr
    assert not (tmp_path / "edited-path").exists()  # the editor never opened
    assert list(locked_home.glob("entry-*")) == []
    with Store.open(locked_home, passphrase="a long passphrase") as store:
        assert journal.all_entries(store) == []
        text = journal.compose(store.home, "Q", encrypted=True, on_disk=lambda: True)
    assert text == "Never on disk."  # once the person said yes
    assert Path((tmp_path / "edited-path").read_text().strip()).parent == locked_home


def test_encrypted_store_drafts_in_memory_without_asking(locked_home: Path, tmp_path, monkeypatch):
    if scratch.memory_folder() is None:
        pytest.skip("no memory folder on this machine")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(editor_script(tmp_path, "In memory.")))

    def refuse() -> bool:
        raise AssertionError("asked, though a memory folder exists")

    assert journal.compose(locked_home, encrypted=True, on_disk=refuse) == "In memory."
    assert Path((tmp_path / "edited-path").read_text().strip()).parent == scratch.memory_folder()


def fake_editor(folder: Path, name: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return path


def test_vim_and_neovim_keep_no_swap_file_or_history(tmp_path: Path, monkeypatch) -> None:
    bin_ = tmp_path / "bin"
    fake_editor(bin_, "vim.basic")
    (bin_ / "vi").symlink_to(bin_ / "vim.basic")  # Debian's vi is vim through alternatives
    fake_editor(bin_, "nano")
    monkeypatch.setenv("PATH", str(bin_))
    monkeypatch.delenv("VISUAL", raising=False)
    for editor, expected in [
        ("vi", ["vi", "-n", "-i", "NONE"]),
        ("nvim -u NORC", ["nvim", "-n", "-i", "NONE", "-u", "NORC"]),
        ("/opt/bin/gvim -f", ["/opt/bin/gvim", "-n", "-i", "NONE", "-f"]),
        ("nano", ["nano"]),
        ("code --wait", ["code", "--wait"]),
    ]:
        monkeypatch.setenv("EDITOR", editor)
        assert journal.editor_command() == expected, editor
