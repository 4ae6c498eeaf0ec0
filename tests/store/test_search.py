"""Search: safe quoting of what people type, ranking, snippets, kinds, and `tarry search`."""

from __future__ import annotations

import json

import pytest

from tarry.base.errors import InvalidInput
from tarry.declare import people
from tarry.store import Store, search


@pytest.fixture
def filled(store: Store) -> Store:
    people.add(store, "Sam")
    people.add(store, "Ana")
    store.execute(
        "INSERT INTO entries (id, at, prompt, body) VALUES"
        " (1, '2026-11-01T10:00:00Z', '', 'I walked in the rain AND felt lonely (a bit).'),"
        " (2, '2026-11-02T10:00:00Z', 'What scared you?', 'Rain on the café window, rain again.')"
    )
    store.execute(
        "INSERT INTO moments (id, at, duration_min, intimacy, i_disclosed, they_disclosed,"
        " pleasantness, satisfaction, note) VALUES"
        " (7, '2026-11-03T19:00:00Z', 60, 5, 5, 5, 5, 5, 'Told Sam about the rain walk')"
    )
    store.execute("INSERT INTO moment_people VALUES (7, 1), (7, 2)")
    store.execute(
        "INSERT INTO tradeoffs (id, at, chose, over, direction, cost_note) VALUES"
        " (3, '2026-11-04T18:00:00Z', 'dinner with Sam', 'late work', 'toward', 'a deadline')"
    )
    return store


def add_message(store: Store, text: str) -> None:
    """As the chat importer does: insert the messages, then fill their index in bulk."""
    store.execute(
        "INSERT INTO conversations (id, source, title, person_id, imported_at)"
        " VALUES (1, 'whatsapp', 'Sam', 1, 'x')"
    )
    store.execute(
        "INSERT INTO messages (id, conversation_id, key, ts, author, is_me, person_id, text, kind)"
        " VALUES (40, 1, 'k', '2026-11-05T09:00:00Z', 'Sam', 0, 1, ?, 'message')",
        (text,),
    )
    store.execute("INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages")


def test_imported_messages_are_found(filled: Store) -> None:
    add_message(filled, "the rain walk was lovely, thank you")
    hits = search.search(filled, "rain walk")
    assert [h.ref for h in hits] == ["moment/7", "message/40"]  # both indexes, one ranking
    (message,) = search.search(filled, "rain", kind="message")
    assert (message.at, message.title) == ("2026-11-05T09:00:00Z", "Sam in Sam")
    assert [message.snippet[a:b] for a, b in message.highlights] == ["rain"]
    assert [h.kind for h in search.search(filled, "lovely")] == ["message"]
    assert search.search(filled, "lovely", kind="entry") == []


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("rain walk", '"rain" "walk"'),
        ('"in the rain"', '"in the rain"'),
        ("AND OR NOT", '"AND" "OR" "NOT"'),
        ('say "hi', '"say" "hi"'),
        ('a"b', '"a b"'),
        ("lone*", '"lone"*'),
        ("NEAR( -x ^y", '"NEAR(" "-x" "^y"'),
        ("!!! ***", ""),
    ],
)
def test_user_words_are_quoted(typed: str, query: str) -> None:
    assert search.to_match(typed) == query


HOSTILE = "Rain or shine: x marks it, near the col rain, and a b."


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("AND", ["entry/1", "entry/5"]),  # an operator, searched as the word
        ("(x", ["entry/5"]),
        ("NEAR(", ["entry/5"]),
        ("rain OR", ["entry/5"]),  # both words, not "rain or anything"
        ("col:rain", ["entry/5"]),  # not a column filter
        ("-rain", ["entry/1", "entry/2", "entry/5", "moment/7"]),  # not a negation
        ('a"b', ["entry/5"]),
        ("or NOT", []),  # NOT is a word here, and no text has it
    ],
)
def test_no_user_input_breaks_the_query(filled: Store, typed: str, found: list[str]) -> None:
    """FTS5 syntax in what people type is searched as words: the text that has them is found
    (and only that), where a query passed through would fail or mean something else."""
    filled.execute("INSERT INTO entries (id, at, body) VALUES (5, '2026-11-05T10:00:00Z', ?)",
                   (HOSTILE,))  # fmt: skip
    assert sorted(h.ref for h in search.search(filled, typed)) == found


@pytest.mark.parametrize("typed", ['"', "***", " ( ) ", "^"])
def test_nothing_to_search_for_is_a_clear_message(filled: Store, typed: str) -> None:
    with pytest.raises(InvalidInput, match="Nothing to search for"):
        search.search(filled, typed)


def test_ranked_hits_with_snippets_and_sources(filled: Store) -> None:
    hits = search.search(filled, "rain")
    assert [h.ref for h in hits] == ["entry/2", "moment/7", "entry/1"]
    best = hits[0]
    assert (best.at, best.title) == ("2026-11-02T10:00:00Z", "What scared you?")
    assert best.snippet == "What scared you? Rain on the café window, rain again."
    assert [best.snippet[a:b] for a, b in best.highlights] == ["Rain", "rain"]
    assert hits[2].snippet.startswith("I walked")  # no leading space when there is no prompt
    assert hits[1].title == "Ana, Sam"  # everyone in the moment, by name


def test_an_entry_without_a_prompt_is_titled_by_its_first_line_cut_at_a_word(
    filled: Store,
) -> None:
    body = (
        "Skipped Teo's birthday climb for the agency dinner. The dinner was forgettable and I"
        " keep choosing it.\nSecond line"
    )
    filled.execute(
        "INSERT INTO entries (id, at, prompt, body) VALUES (5, '2026-11-05T10:00:00Z', '', ?)",
        (body,),
    )
    (hit,) = search.search(filled, "forgettable")
    assert hit.title == "Skipped Teo's birthday climb for the agency dinner. The…"
    assert search.search(filled, "walked")[0].title == (
        "I walked in the rain AND felt lonely (a bit)."  # short: whole
    )


def test_words_are_all_required_and_kind_narrows(filled: Store) -> None:
    assert [h.ref for h in search.search(filled, "rain walk")] == ["moment/7"]
    assert [h.ref for h in search.search(filled, "sam", kind="tradeoff")] == ["tradeoff/3"]
    assert [h.title for h in search.search(filled, "deadline")] == [
        "dinner with Sam over late work"
    ]
    assert search.search(filled, "cafe")[0].ref == "entry/2"  # diacritics folded
    assert search.search(filled, "lone*")[0].ref == "entry/1"


def test_bad_kind_and_empty_query(filled: Store) -> None:
    with pytest.raises(InvalidInput, match="Unknown kind 'note'"):
        search.search(filled, "rain", kind="note")
    with pytest.raises(InvalidInput, match="Nothing to search for"):
        search.search(filled, '""')


def test_edited_and_deleted_rows_follow_in_the_index(filled: Store) -> None:
    filled.execute("UPDATE entries SET body = 'sunshine' WHERE id = 1")
    filled.execute("DELETE FROM moments WHERE id = 7")
    assert [h.ref for h in search.search(filled, "rain")] == ["entry/2"]
    assert [h.ref for h in search.search(filled, "sunshine")] == ["entry/1"]


def test_cli_json_and_text(cli, filled: Store) -> None:
    result = cli("search", "rain", "walk", "--json")
    assert result.code == 0
    (hit,) = json.loads(result.stdout)
    assert hit == {
        "kind": "moment",
        "id": 7,
        "at": "2026-11-03T19:00:00Z",
        "title": "Ana, Sam",
        "snippet": "Told Sam about the rain walk",
        "highlights": [[19, 23], [24, 28]],
        "rank": hit["rank"],
        "ref": "moment/7",
    }
    text = cli("search", "café")
    assert "entry 2  2026-11-02  What scared you?" in text.stdout
    assert cli("search", "zebra").stdout == "No matches.\n"
    bad = cli("search", "rain", "--kind", "x")
    assert bad.code == 2 and "Unknown kind 'x'" in bad.stderr


# Emoji: matched in the text itself (FTS5's tokenizer skips them) --------------------------------


@pytest.fixture
def with_emoji(filled: Store) -> Store:
    filled.execute(
        "INSERT INTO entries (id, at, prompt, body) VALUES"
        " (5, '2026-11-06T10:00:00Z', '', 'Sam said I love you ❤️ and I cried 😭'),"
        " (6, '2026-11-07T10:00:00Z', '', 'A rain walk, then ❤ at dinner')"
    )
    filled.execute(
        "INSERT INTO conversations (id, source, title, person_id, imported_at)"
        " VALUES (1, 'whatsapp', 'Sam', 1, '2026-11-09T09:00:00Z')"
    )
    filled.execute(
        "INSERT INTO messages (id, conversation_id, key, ts, author, is_me, person_id, text, kind)"
        " VALUES (40, 1, 'a', '2026-11-08T09:00:00Z', 'Sam', 0, 1, 'proud of you 👍🏽', 'message'),"
        " (41, 1, 'b', '2026-11-09T09:00:00Z', 'Sam', 0, 1, ?, 'message')",
        ("x" * 80 + " us 👩\u200d❤️\u200d👨 " + "y" * 80,),
    )
    filled.execute("INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages")
    return filled


def marked(hit: search.Hit) -> list[str]:
    return [hit.snippet[a:b] for a, b in hit.highlights]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("I ❤️ you", ["❤"]),
        ("👍🏽", ["👍🏽"]),
        ("👩‍❤️‍👨 ok 😭", ["👩\u200d❤\u200d👨", "😭"]),
        ("rain, walk!", []),
        ("🇫🇷🇩🇪 flags", ["🇫🇷", "🇩🇪"]),
        ("😭😭❤️", ["😭", "😭", "❤"]),
        ("\u200d👍 \u200d❤ 🏽", ["👍", "❤"]),
        ("👍\u200dx", ["👍"]),
    ],
)
def test_emoji_are_picked_out_of_what_was_typed(typed: str, found: list[str]) -> None:
    assert search.emoji(typed) == found


def test_emoji_alone_scan_newest_first_with_either_presentation(with_emoji: Store) -> None:
    hits = search.search(with_emoji, "❤️")  # the emoji presentation finds the text one too
    assert [h.ref for h in hits] == ["message/41", "entry/6", "entry/5"]
    assert [marked(h) for h in hits] == [["❤️"], ["❤"], ["❤️"]]
    assert [h.ref for h in search.search(with_emoji, "❤")] == [h.ref for h in hits]
    assert hits[1].snippet == "A rain walk, then ❤ at dinner"
    long = hits[0].snippet  # cut around the emoji, as FTS5 cuts around words
    assert long.startswith("…x") and long.endswith("y…") and len(long) < 120
    assert [h.ref for h in search.search(with_emoji, "❤", kind="entry")] == ["entry/6", "entry/5"]


def test_a_skin_tone_is_found_from_the_plain_emoji_and_marked_whole(with_emoji: Store) -> None:
    (hit,) = search.search(with_emoji, "👍")
    assert (hit.ref, marked(hit)) == ("message/40", ["👍🏽"])
    assert search.search(with_emoji, "👍🏿") == []


def test_emoji_beside_words_narrow_their_matches(with_emoji: Store) -> None:
    assert {h.ref for h in search.search(with_emoji, "rain")} == {
        "entry/2", "moment/7", "entry/1", "entry/6",
    }  # fmt: skip
    (hit,) = search.search(with_emoji, "rain ❤️")
    assert (hit.ref, marked(hit)) == ("entry/6", ["rain", "❤"])
    (cried,) = search.search(with_emoji, "😭 cried")
    assert (cried.ref, marked(cried)) == ("entry/5", ["cried", "😭"])
    assert search.search(with_emoji, "rain 😭") == []


def test_cli_finds_emoji(cli, with_emoji: Store) -> None:
    result = cli("search", "😭", "--json")
    assert result.code == 0, result.stderr
    (hit,) = json.loads(result.stdout)
    assert (hit["ref"], hit["highlights"]) == ("entry/5", [[35, 36]])


def test_the_cli_wraps_a_long_snippet_under_its_indent(filled: Store, cli) -> None:
    body = "The dinner was forgettable " + "and I keep choosing the same evening over them " * 3
    filled.execute(
        "INSERT INTO entries (id, at, prompt, body) VALUES (5, '2026-11-05T10:00:00Z', '', ?)",
        (body,),
    )
    lines = cli("search", "forgettable").stdout.splitlines()
    assert lines[0].startswith("entry 5  2026-11-05  The dinner was forgettable")
    snippet = lines[1:]
    assert len(snippet) >= 2  # wrapped
    assert all(line.startswith("  ") and line.strip() for line in snippet)
