"""`mirror parse`'s WhatsApp fast path: the same lines as the general path, whether the export is
read in one pass or as two halves at once; an error in the second half names its line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tarry.base.errors import FormatError, Step
from tarry.mirror import jsonlines
from tarry.mirror.formats import registry, whatsapp_halves
from tests.bench.test_chatgen import chatgen


def general(path: Path) -> bytes:
    out = io.BytesIO()
    with registry.opened(path, "whatsapp") as export:
        jsonlines.write(export.conversations, out)
    return out.getvalue()


def fast(path: Path, *, split: bool) -> bytes:
    out = io.BytesIO()
    plan = whatsapp_halves.plan(path, name=str(path), split=split)
    assert plan is not None and (plan.cut is not None) == split
    jsonlines.write_whatsapp(plan, out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("platform", "locale", "crlf"),
    [
        ("android", "en_GB", False),
        ("ios", "en_US", False),
        ("ios", "es", True),
        ("android", "de", False),
    ],
)
def test_one_pass_and_halves_write_what_the_general_path_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str, locale: str, crlf: bool
) -> None:
    monkeypatch.setattr(whatsapp_halves, "MIN_SIZE", 1)
    path = tmp_path / "chat.txt"
    chatgen.write(path, 3000, platform, locale, crlf=crlf, seed=11, expect=None, traps=True)
    expected = general(path)
    assert expected.count(b"\n") == 3000
    assert fast(path, split=False) == expected
    assert fast(path, split=True) == expected


def test_a_bad_date_in_the_second_half_names_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(whatsapp_halves, "MIN_SIZE", 1)
    lines = [f"{d % 28 + 1:02d}/01/2021, 10:00 - Ada: message {d}\n" for d in range(400)]
    lines[300] = "31/02/2021, 10:00 - Ada: no such day\n"
    path = tmp_path / "chat.txt"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(FormatError) as one_pass:
        general(path)
    with pytest.raises(FormatError) as halves:
        fast(path, split=True)
    assert halves.value.line == one_pass.value.line == 301
    assert str(halves.value) == str(one_pass.value)
    assert halves.value.field == one_pass.value.field == "day_first"


def test_an_error_crosses_from_the_child_whole() -> None:
    sent = FormatError(
        "no such date",
        path="chat.txt",
        line=9,
        hint="Say which.",
        field="day_first",
        expected="dmy or mdy",
        example="dmy",
        step=Step.IMPORT_CHAT,
    )
    got = jsonlines._error(jsonlines._report(sent))
    assert isinstance(got, FormatError) and str(got) == str(sent)
    parts = ("message", "hint", "field", "expected", "example", "step", "path", "line", "byte")
    assert [getattr(got, k) for k in parts] == [getattr(sent, k) for k in parts]


def test_halves_only_with_a_core_to_spare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(whatsapp_halves, "MIN_SIZE", 1)
    path = tmp_path / "chat.txt"
    chatgen.write(path, 500, "android", "en_GB", crlf=False, seed=3, expect=None, traps=True)
    monkeypatch.setattr(jsonlines, "idle_cores", lambda: 0.4)
    busy = jsonlines.whatsapp_plan(path, "whatsapp", None)
    monkeypatch.setattr(jsonlines, "idle_cores", lambda: 1.6)
    idle = jsonlines.whatsapp_plan(path, "whatsapp", None)
    assert busy is not None and busy.cut is None
    assert idle is not None and idle.cut is not None
    assert jsonlines.whatsapp_plan(path, "telegram", None) is None
