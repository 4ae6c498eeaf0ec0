"""Validation of content files: a bad entry is refused, naming the file, line, entry and fix."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tarry.base.errors import FormatError
from tarry.prompts import deck, inner, quality, rituals, staying

PROMPT = """
[[prompt]]
id = "mine-01"
level = 2
contexts = ["friend"]
practices = ["depth"]
text = "What surprised you this week?"
"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the shipped content that a test may break."""
    return Path(shutil.copytree(deck.CONTENT, tmp_path / "content"))


def extra_deck(content: Path, text: str) -> None:
    (content / "decks" / "mine.toml").write_text(text, encoding="utf-8")


def test_the_copy_is_valid(content: Path) -> None:
    extra_deck(content, PROMPT)
    assert quality.check(content).counts["prompts"] == len(deck.prompts()) + 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("level = 2\n", ""), "mine.toml, line 3: prompt #1 'mine-01': missing 'level'"),
        (("level = 2", "level = 5"), "'level' has 5; expected one of: 1, 2, 3, 4"),
        (("level = 2", 'level = "2"'), "'level' must be a number, not '2'"),
        (('["depth"]', '["courage"]'), "'practices' has 'courage'; expected one of: depth, stay"),
        (('["friend"]', "[]"), "'contexts' must be a non-empty list of strings"),
        (("level = 2", "levle = 2"), "unknown key 'levle'; expected one of: id, level"),
        (('text = "What surprised you this week?"', 'text = "  "'), "'text' must not be empty"),
        (('id = "mine-01"', 'id = "Mine 01"'), "id 'Mine 01' must be lower-case letters"),
        (('id = "mine-01"', 'id = "partner-01"'), "id 'partner-01' is used twice"),
        (("[[prompt]]", "[[prompts]]"), "expected one or more [[prompt]] entries"),
        (("level = 2", "level = = 2"), "mine.toml, line 4: not valid TOML"),
    ],
)
def test_a_bad_prompt_is_named(content: Path, change: tuple[str, str], message: str) -> None:
    extra_deck(content, PROMPT.replace(*change))
    with pytest.raises(FormatError) as caught:
        deck.prompts(content)
    assert message in str(caught.value)
    assert "mine.toml" in str(caught.value)


def _edit(content: Path, name: str, old: str, new: str) -> None:
    path = content / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "old", "new", "load", "message"),
    [
        ("evening.toml", "set = 3", "set = 2", deck.evening, "the evening must be 36 steps"),
        ("inner.toml", "{commitment} for {chose}", "{person}", inner.prompts,
         "uses {person}, which 'traded' does not provide"),
        ("inner.toml", 'trigger = "quiet"', 'trigger = "bored"', inner.prompts,
         "'trigger' has 'bored'"),
        ("rituals.toml", '"dont_fix", "dont_minimise"', '"nod"', rituals.load,
         "ritual 'checkin' step #2: 'cues' has 'nod'"),
        ("rituals.toml", 'speaker = "both"', 'speaker = "all"', rituals.load,
         "'speaker' has 'all'; expected one of: you, them, both"),
        ("rituals.toml", "minutes = 2\n", "", rituals.load, "step #1: missing 'minutes'"),
        ("rituals.toml", "reflect = ", "mirror = ", rituals.load, "[cues] must define exactly"),
        ("staying.toml", 'urge = "fix"', 'urge = "joke"', staying.cards,
         "urge 'joke' has more than one card"),
    ],
)  # fmt: skip
def test_other_bad_files_are_named(
    content: Path, name: str, old: str, new: str, load: Callable[[Path], object], message: str
) -> None:
    _edit(content, name, old, new)
    with pytest.raises(FormatError) as caught:
        load(content)
    assert message in str(caught.value)
    assert name in str(caught.value)
