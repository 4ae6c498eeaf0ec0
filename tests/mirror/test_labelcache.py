"""Labelling a period of a conversation: the same labels as labelling all of it."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest

from tarry.mirror import conversations, labelcache
from tarry.mirror.labelcache import ensure_labels
from tarry.mirror.model.labeller import version
from tarry.store import Store
from tests.mirror.chatdata import insert_chat, rows

LABELS = (
    "SELECT message_id, version, disclosure, moves, question, evidence, scores, sure"
    " FROM message_labels"
)


def _labels(store: Store) -> dict[int, tuple[object, ...]]:
    return {r[0]: tuple(r) for r in store.query(LABELS)}


@pytest.fixture
def sam(store: Store) -> Store:
    insert_chat(store, "Sam", rows("sam.tsv"))
    return store


def test_every_range_gets_exactly_the_labels_of_the_whole_conversation(
    sam: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ensure_labels(sam) == 13
    whole = _labels(sam)
    stamps = [r[0] for r in sam.query("SELECT DISTINCT ts FROM messages ORDER BY ts")]
    moments = [None, *(datetime.fromisoformat(ts.rstrip("Z")) for ts in stamps)]
    # Slices of two messages: a range's slices are led by context too.
    monkeypatch.setattr(labelcache, "SLICE", 2)
    for since, until in itertools.product(moments, repeat=2):
        sam.execute("DELETE FROM message_labels")
        low = since.isoformat() if since else ""
        high = until.isoformat() if until else "\uffff"
        inside = {
            r[0] for r in sam.query("SELECT id FROM messages WHERE ts >= ? AND ts < ?", (low, high))
        }
        assert ensure_labels(sam, since=since, until=until) == len(inside)
        assert _labels(sam) == {k: whole[k] for k in inside}, (since, until)


def test_a_range_leaves_the_rest_unlabelled_and_labels_it_later(sam: Store) -> None:
    since, until = datetime(2026, 11, 3), datetime(2026, 11, 14, 10, 2)
    assert ensure_labels(sam, since=since, until=until) == 4  # ids 5 to 8
    assert sorted(_labels(sam)) == [5, 6, 7, 8]
    assert ensure_labels(sam, since=since, until=until) == 0
    assert ensure_labels(sam) == 9
    assert sorted(_labels(sam)) == list(range(1, 14))


def test_an_older_version_is_relabelled_only_inside_the_range(sam: Store) -> None:
    ensure_labels(sam)
    old = version() - 1
    sam.execute("UPDATE message_labels SET version = ? WHERE message_id IN (2, 9)", (old,))
    assert ensure_labels(sam, since=datetime(2026, 11, 14), until=datetime(2026, 11, 15)) == 1
    assert sam.scalar("SELECT version FROM message_labels WHERE message_id = 9") == version()
    assert sam.scalar("SELECT version FROM message_labels WHERE message_id = 2") == old


def test_only_the_given_conversations_are_labelled(store: Store) -> None:
    chat = rows("sam.tsv")
    insert_chat(store, "Sam", chat)
    insert_chat(store, "Kim", chat)
    assert ensure_labels(store, [2], since=datetime(2026, 11, 16)) == 2
    assert sorted(_labels(store)) == [25, 26]


def test_the_weekly_numbers_label_only_that_week_and_its_margin(sam: Store) -> None:
    week = conversations.week_summary(sam, datetime(2026, 11, 9), datetime(2026, 11, 16))
    assert (week.messages.me, week.messages.them) == (1, 3)
    # The week starts on the 9th; the margin reaches back to the 8th 09:00 and on to the
    # 16th 15:00, so the messages of the 14th to the 16th are labelled and no others.
    assert sorted(_labels(sam)) == [8, 9, 10, 11, 12, 13]
    assert sam.scalar("SELECT question FROM message_labels WHERE message_id = 12") == "intro"
