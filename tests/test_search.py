"""Search: safe quoting of what people type, ranking, snippets, kinds, and `tarry search`."""

from __future__ import annotations

import json

import pytest

from tarry import people, search
from tarry.errors import InvalidInput
from tarry.store import Store


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


@pytest.mark.parametrize(
    "typed", ["AND", '"', "(x", "NEAR(", "rain OR", "col:rain", "-rain", 'a"b']
)
def test_no_user_input_breaks_the_query(filled: Store, typed: str) -> None:
    try:
        hits = search.search(filled, typed)
    except InvalidInput as exc:  # nothing searchable: a clear message, not an FTS5 syntax error
        assert exc.message.startswith("Nothing to search for")
    else:
        assert all(isinstance(hit, search.Hit) for hit in hits)


def test_ranked_hits_with_snippets_and_sources(filled: Store) -> None:
    hits = search.search(filled, "rain")
    assert [h.ref for h in hits] == ["entry/2", "moment/7", "entry/1"]
    best = hits[0]
    assert (best.at, best.title) == ("2026-11-02T10:00:00Z", "What scared you?")
    assert best.snippet == "What scared you? Rain on the café window, rain again."
    assert [best.snippet[a:b] for a, b in best.highlights] == ["Rain", "rain"]
    assert hits[2].snippet.startswith("I walked")  # no leading space when there is no prompt
    assert hits[1].title == "Ana, Sam"  # everyone in the moment, by name


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
