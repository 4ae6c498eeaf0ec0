"""Format detection by content (and name for look-alikes), and the format registry."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from tarry.base.errors import FormatError, InvalidInput
from tarry.mirror.formats import registry, whatsapp
from tarry.mirror.formats.contract import ChatFormat, Probe
from tests.mirror.formats.parsing import corpus, fixture


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("telegram", "single.json"), "telegram"),
        (("telegram", "old.json"), "telegram"),
        (("telegram", "account.json"), "telegram"),
        (("discord", "dm.json"), "discord"),
        (("messenger", "inbox", "robinvale_1a2b", "message_1.json"), "messenger"),
        (("messenger",), "messenger"),
        (("signal", "chat.md"), "signal"),
        (("signal", "sigtop.txt"), "signal"),
        (("signal", "data.json"), "signal"),
        (("signal", "sigtop.json"), "signal"),
        (("csv", "chat.csv"), "csv"),
        (("csv", "custom.csv"), "csv"),
    ],
)
def test_detects_each_fixture(parts: tuple[str, ...], expected: str) -> None:
    assert registry.detect(fixture(*parts)).name == expected


def test_instagram_is_told_by_its_path(tmp_path: Path) -> None:
    folder = tmp_path / "instagram-alex" / "inbox"
    shutil.copytree(fixture("messenger", "inbox"), folder)
    assert registry.detect(folder).name == "instagram"


def test_zip_with_a_text_file_is_whatsapp(tmp_path: Path) -> None:
    archive = tmp_path / "WhatsApp Chat with Robin.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("WhatsApp Chat with Robin.txt", "01/01/2023, 10:00 - Robin: hi\n")
    assert registry.detect(archive).name == "whatsapp"


def test_unknown_content_asks_for_format(tmp_path: Path) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("just some notes\n")
    with pytest.raises(FormatError, match="cannot tell which chat export") as caught:
        registry.detect(odd)
    assert caught.value.field == "fmt" and "whatsapp" in str(caught.value.expected)


def test_unknown_format_name() -> None:
    with pytest.raises(InvalidInput, match="Unknown chat format 'icq'"):
        registry.get("icq")


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("WhatsApp Chat with Robin Vale.txt", "Robin Vale"),
        ("WhatsApp Chat - Robin Vale.zip", "Robin Vale"),
        ("WhatsApp-Chat mit Robin.txt", "Robin"),
        ("_chat.txt", "_chat"),
    ],
)
def test_whatsapp_title_from_the_file_name(name: str, title: str) -> None:
    assert whatsapp.title(Path(name)) == title


@pytest.mark.parametrize("name", registry.names())
def test_every_format_keeps_the_contract(name: str) -> None:
    fmt: ChatFormat = registry.get(name)
    assert fmt.name == name and fmt.label
    assert fmt.sniff(Probe(Path("empty"), b"")) is False
    assert all(e.startswith(".") for e in fmt.extensions)


def test_a_format_name_is_declared_once() -> None:
    names = registry.names()
    assert len(names) == len(set(names))
    assert {"whatsapp", "telegram", "signal", "messenger", "instagram"} <= set(names)


def test_detection_reads_the_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tarry.mirror import chats
    from tarry.store import Store

    chat = tmp_path / "chat.txt"
    chat.write_text("01/01/2023, 10:00 - Robin: hi\n13/01/2023, 10:01 - Ada: hello\n")
    calls = []
    real = registry.detect
    monkeypatch.setattr(registry, "detect", lambda source: calls.append(source) or real(source))
    with Store.open(tmp_path / "home") as store:
        chats.import_chat(store, chat, me="Ada")
    assert len(calls) == 1


@pytest.mark.parametrize(
    "name", ["test_ddmmyy_24hrs.txt", "test_[mmddyy]_24hrs.txt", "test_mmddyyyy_12hrs.txt"]
)
def test_whatsapp_text_exports_are_detected(name: str) -> None:
    assert registry.detect(corpus("chat-miner", "test", "whatsapp", name)).name == "whatsapp"


def test_signal_lines_in_a_txt_look_like_whatsapp_and_need_the_flag() -> None:
    # `[2019-12-24, 12:23] Name: text` is also a WhatsApp iOS layout: documented in formats.md.
    assert (
        registry.detect(corpus("chat-miner", "test", "signal", "test_export.txt")).name
        == "whatsapp"
    )
    assert registry.detect(fixture("signal", "chat.md")).name == "signal"
