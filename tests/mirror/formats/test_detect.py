"""Format detection by content (and name for look-alikes), and the format registry."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from tarry.base.errors import FormatError, InvalidInput
from tarry.mirror.formats import detect
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
    assert detect.detect(fixture(*parts)) == expected


def test_instagram_is_told_by_its_path(tmp_path: Path) -> None:
    folder = tmp_path / "instagram-alex" / "inbox"
    shutil.copytree(fixture("messenger", "inbox"), folder)
    assert detect.detect(folder) == "instagram"


def test_zip_with_a_text_file_is_whatsapp(tmp_path: Path) -> None:
    archive = tmp_path / "WhatsApp Chat with Robin.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("WhatsApp Chat with Robin.txt", "01/01/2023, 10:00 - Robin: hi\n")
    assert detect.detect(archive) == "whatsapp"


def test_unknown_content_asks_for_format(tmp_path: Path) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("just some notes\n")
    with pytest.raises(FormatError, match="cannot tell which chat export") as caught:
        detect.detect(odd)
    assert caught.value.field == "fmt" and "whatsapp" in str(caught.value.expected)


def test_unknown_format_name() -> None:
    with pytest.raises(InvalidInput, match="Unknown chat format 'icq'"):
        detect.module_for("icq")


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
    assert detect.whatsapp_title(Path(name)) == title


@pytest.mark.parametrize("name", list(detect.FORMATS))
def test_every_format_has_a_module_that_parses_and_sniffs(name: str) -> None:
    module = detect.module_for(name)
    assert callable(module.sniff) and callable(module.parse)
    assert module.sniff(b"") is False


@pytest.mark.parametrize(
    "name", ["test_ddmmyy_24hrs.txt", "test_[mmddyy]_24hrs.txt", "test_mmddyyyy_12hrs.txt"]
)
def test_whatsapp_text_exports_are_detected(name: str) -> None:
    assert detect.detect(corpus("chat-miner", "test", "whatsapp", name)) == "whatsapp"


def test_signal_lines_in_a_txt_look_like_whatsapp_and_need_the_flag() -> None:
    # `[2019-12-24, 12:23] Name: text` is also a WhatsApp iOS layout: documented in formats.md.
    assert detect.detect(corpus("chat-miner", "test", "signal", "test_export.txt")) == "whatsapp"
    assert detect.detect(fixture("signal", "chat.md")) == "signal"
