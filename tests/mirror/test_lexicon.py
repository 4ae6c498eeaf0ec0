"""`within`: one phrase (or comma-joined phrases) inside another, word for word."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tarry.mirror.lexicon import within


@pytest.mark.parametrize(
    ("item", "other", "inside"),
    [
        ("love", "love you", True),
        ("you", "love you", True),
        ("love you", "love you", True),  # a phrase is inside itself
        (" love you ", "love you", True),
        ("lov", "love you", False),  # word for word, not letters
        ("ou", "love you", False),
        ("stop", "can't stop worrying", True),
        ("worry", "can't stop worrying", False),
        ("love you", "love", False),
        ("i feel, feel so", "i feel so", True),  # every phrase of the item inside
        ("i feel, so tired", "i feel so", False),
        ("shaky", "relieved, shaky", True),  # inside one of the other's phrases
        ("relieved, shaky", "relieved, shaky, raw", True),
        ("relieved shaky", "relieved, shaky", False),  # not across two phrases
    ],
)
def test_a_phrase_inside_another(item: str, other: str, inside: bool) -> None:
    assert within(item, other) is inside


WORDS = st.lists(st.sampled_from(["i", "feel", "so", "love", "you", "can't", "stop"]), max_size=4)


@given(WORDS, WORDS)
def test_one_phrase_each_is_read_as_the_general_case_reads_it(a: list[str], b: list[str]) -> None:
    """The shortcut for items without commas gives what splitting on commas gives."""
    item, other = " ".join(a), " ".join(b)
    general = all(
        any(f" {p.strip()} " in f" {q.strip()} " for q in other.split(",")) for p in item.split(",")
    )
    assert within(item, other) is general


def test_a_lexicon_of_some_lists_finds_what_the_whole_one_finds_for_them() -> None:
    """`only` tries fewer words, and finds every phrase of its lists that `scan` finds, where
    `scan` finds it: checked on every text of tarry's held-out chats."""
    from tarry.mirror import evaluation
    from tarry.mirror.lexicon import load, normalise

    whole = load()
    texts = {normalise(t) for e in evaluation.shipped("chats-test") for t in (e.text, *(
        text for _, text in e.context))}  # fmt: skip
    singles = tuple((name,) for name in whole.lists)  # evidence scans list by list
    for names in (("feeling", "hard"), ("redirect", "share", "self"), *singles):
        part = whole.only(*names)
        assert set(part.lists) == set(names) and part is whole.only(*names)  # made once
        for norm in texts:
            want = {k: v for k, v in whole.scan(norm).items() if k in names}
            assert part.scan(norm) == want, (names, norm)
    assert len(texts) > 1000


def test_a_phrase_starts_where_a_scan_finds_one_start() -> None:
    """`starts` answers for one place what a scan from that place finds: checked at every word
    of tarry's held-out chats, for one list and for the whole lexicon (whose pattern at a word
    tries several lists at once, each optional)."""
    from tarry.mirror import evaluation
    from tarry.mirror.lexicon import load, normalise

    whole = load()
    texts = {normalise(e.text) for e in evaluation.shipped("chats-test")}
    for lexicon in (whole.only("validate"), whole):
        found = 0
        for norm in texts:
            for word in re.finditer(r"(?<![\w'])[a-z]", norm):
                at = word.start()
                scanned = lexicon.scan(norm[at:]).values()
                want = any(hits[0][0] == 0 for hits in scanned)
                assert lexicon.starts(norm, at) is want, (norm, at)
                found += want
        assert found > 200
    assert whole.only("validate").starts("ok keep your head up", 3)
    assert not whole.only("validate").starts("ok keep the receipts", 3)


def test_every_word_list_compiles_and_its_patterns_are_made_once() -> None:
    """A key word's pattern is compiled when a text first holds the word (`Patterns`), so a
    fragment that is no regular expression would only fail on such a text: every one is
    compiled here, and each only once."""
    from tarry.mirror.lexicon import load

    lexicon = load()
    for key in lexicon.at_key.sources:
        assert lexicon.at_key[key] is lexicon.at_key[key]
    assert set(lexicon.at_key) == set(lexicon.at_key.sources)
    assert lexicon.starts("ok so at least", 6) and not lexicon.starts("at", 0)


def test_a_contraction_without_its_apostrophe_or_shorthand_reads_as_written_out() -> None:
    """Chats drop apostrophes ("im so sorry", "dont worry", "u ok") and write shorthand
    ("idk", "hbu"): the word lists and the model read the words they know; a short form that
    is also a word of its own, or two, stays."""
    from tarry.mirror.lexicon import normalise

    assert normalise("Im so sorry thats awful") == "i'm so sorry that's awful"
    assert normalise("dont worry, u ok? whats up") == "don't worry, you ok? what's up"
    assert normalise("Hes SO tired, cant sleep") == "he's so tired, can't sleep"
    assert normalise("idk tbh. good hbu?") == "i don't know tbh. good how about you?"
    for kept in ("ill be there", "its ok, were fine", "lets go", "a u-turn", "i'm fine", "umm",
                 "ty said hi"):  # fmt: skip
        assert normalise(kept) == kept
    # "ur": "you're" before a word that follows "you're" and never "your", else "your"
    assert normalise("ur not alone, ur doing great") == "you're not alone, you're doing great"
    assert normalise("ur exhausted. how was ur day") == "you're exhausted. how was your day"
    assert normalise("ur wedding, ur bed") == "your wedding, your bed"
