"""Mirror numbers from a hand-written chat put straight into a real store."""

from __future__ import annotations

from datetime import datetime

import pytest

from tarry.base.errors import InvalidInput, NotFound
from tarry.mirror import conversations, labelcache
from tarry.mirror.conversations import DepthCounts, Sides
from tarry.mirror.labelcache import ensure_labels
from tarry.mirror.moves import VERSION
from tarry.mirror.person_report import person_report
from tarry.store import Store
from tests.mirror.chatdata import insert_chat, rows


@pytest.fixture
def sam(store: Store) -> Store:
    insert_chat(store, "Sam", rows("sam.tsv"))
    return store


def test_labels_are_cached_once_per_message_and_version(sam: Store) -> None:
    assert ensure_labels(sam) == 13
    assert ensure_labels(sam) == 0
    sam.execute("UPDATE message_labels SET version = ? WHERE message_id = 9", (VERSION - 1,))
    assert ensure_labels(sam) == 1
    row = sam.one("SELECT moves, question FROM message_labels WHERE message_id = 9")
    assert tuple(row or ()) == ("redirect", "switch")


def test_a_long_silence_starts_a_new_conversation_with_fresh_context(sam: Store) -> None:
    ensure_labels(sam)
    # "morning! how are you today?" comes 15 h after the last message: an opening question.
    assert sam.scalar("SELECT question FROM message_labels WHERE message_id = 12") == "intro"


def test_totals_each_way(sam: Store) -> None:
    total = person_report(sam, "Sam").total
    assert total.messages == Sides(me=6, them=7)
    assert total.words == Sides(me=39, them=48)
    assert total.conversations == 5
    assert total.started == Sides(me=2, them=3)
    assert total.response_minutes == Sides(me=10.0, them=2.5)
    assert total.depth.me == DepthCounts(none=4, fact=1, thought=0, feeling=1, mean=0.67)
    assert total.depth.them == DepthCounts(none=0, fact=3, thought=0, feeling=4, mean=2.14)
    assert total.follow_up_rate == Sides(me=0.167, them=0.143)
    assert total.reciprocity == Sides(me=1.0, them=0.0)
    assert total.to_dict()["depth"]["me"] == {
        "none": 4, "fact": 1, "thought": 0, "feeling": 1, "mean": 0.67
    }  # fmt: skip


def test_how_their_feelings_were_met(sam: Store) -> None:
    met = person_report(sam, "Sam").total.their_feelings_met
    assert met.total == 4
    assert met.moves == {
        "explore": 1, "validate": 1, "share": 0, "fix": 0, "minimise": 0, "redirect": 1,
        "other reply": 1, "no reply": 1,
    }  # fmt: skip
    # Each disclosure once, by its reply's first move: the reply that explored and validated
    # counts as explore, so the four disclosures make four counts and shares of 100%.
    assert met.counts == {
        "explore": 1, "validate": 0, "share": 0, "fix": 0, "minimise": 0, "redirect": 1,
        "other reply": 1, "no reply": 1,
    }  # fmt: skip
    assert met.shares["redirect"] == 0.25 and sum(met.shares.values()) == 1.0


def test_how_my_feelings_were_met(sam: Store) -> None:
    met = person_report(sam, "Sam").total.my_feelings_met
    assert met.total == 1
    assert [k for k, n in met.moves.items() if n] == ["explore", "validate", "share"]
    assert [k for k, n in met.counts.items() if n] == ["explore"]


def test_by_week_and_since(sam: Store) -> None:
    report = person_report(sam, "Sam", by="week")
    assert [(p.period, p.numbers.messages) for p in report.periods] == [
        ("2026-W45", Sides(me=4, them=3)),
        ("2026-W46", Sides(me=1, them=3)),
        ("2026-W47", Sides(me=1, them=1)),
    ]
    assert report.to_dict()["periods"][0]["messages"] == {"me": 4, "them": 3}
    later = person_report(sam, "Sam", since=datetime(2026, 11, 14), by="month")
    assert [(p.period, p.numbers.conversations) for p in later.periods] == [("2026-11", 3)]


def test_notable_moments_with_reasons(sam: Store) -> None:
    notable = person_report(sam, "Sam").notable.to_dict()
    hardest = notable["their_hardest"][0]
    assert hardest == {
        "at": "2026-11-14T10:00",
        "who": "them",
        "excerpt": "i feel like such a failure, i failed my exam",
        "reply": "anyway did you see the game last night?",
        "met": ["redirect"],
        "reason": "they disclosed a feeling (a failure, failed); you replied: redirect",
    }
    assert notable["their_hardest"][-1]["met"] == ["no reply"]
    assert [m["excerpt"] for m in notable["my_vulnerable"]] == [
        "i've been feeling really lonely lately"
    ]
    assert notable["my_vulnerable"][0]["met"] == ["explore", "validate", "share"]
    assert [m["reason"] for m in notable["redirects"]] == [
        "after they said something hard (a failure, failed), your reply changes the topic "
        "('anyway')"
    ]


def test_week_summary_for_the_review(sam: Store) -> None:
    week = conversations.week_summary(sam, datetime(2026, 11, 9), datetime(2026, 11, 16)).to_dict()
    assert week["messages"] == {"me": 1, "them": 3}
    assert week["depth"]["them"]["feeling"] == 2
    assert week["depth"]["reciprocity"] == {"me": None, "them": 0.0}
    assert week["stay"] == {"hard_disclosures": 2, "redirected": 1}
    assert week["space"] == {
        "their_feelings": 2,
        "explored_or_validated": 0,
        "fixed_or_minimised": 0,
    }
    assert week["seen"]["my_feelings"] == 0
    assert week["people"] == [{"name": "Sam", "messages": 4}]


def test_person_numbers_for_the_web_page(sam: Store) -> None:
    person = sam.scalar("SELECT id FROM people WHERE name = 'Sam'")
    assert conversations.person_numbers(sam, person).messages == Sides(me=6, them=7)


def test_no_messages_gives_empty_numbers(store: Store) -> None:
    insert_chat(store, "Alex", [])
    total = person_report(store, "Alex").total
    assert total.conversations == 0
    assert total.response_minutes == Sides(me=None, them=None)
    assert total.their_feelings_met.shares["no reply"] == 0.0


def test_unknown_person_and_period(sam: Store) -> None:
    with pytest.raises(NotFound):
        person_report(sam, "Nobody")
    with pytest.raises(InvalidInput, match="Unknown period 'year'") as caught:
        person_report(sam, "Sam", by="year")
    assert (caught.value.field, caught.value.expected) == ("by", "week or month")


def test_labelling_in_worker_processes_gives_the_same_labels(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = rows("sam.tsv")
    insert_chat(store, "Sam", chat)
    insert_chat(store, "Kim", chat)
    ensure_labels(store, [1], jobs=1)
    monkeypatch.setattr(labelcache, "PARALLEL_FROM", 0)
    monkeypatch.setattr(labelcache, "SLICE", 3)  # slices led by the rows before them
    assert ensure_labels(store, [2], jobs=2) == 13
    query = (
        "SELECT l.disclosure, l.moves, l.question, l.evidence FROM message_labels l"
        " JOIN messages m ON m.id = l.message_id WHERE m.conversation_id = ? ORDER BY m.id"
    )
    assert [tuple(r) for r in store.query(query, (2,))] == [
        tuple(r) for r in store.query(query, (1,))
    ]


def test_one_chat_of_a_person(sam: Store) -> None:
    sam.execute("INSERT INTO conversations (source, title, person_id, imported_at)"
                " VALUES ('telegram', 'Sam (work)', 1, '2026-11-19T12:00:00Z')")  # fmt: skip
    report = person_report(sam, "Sam", chat="Sam")
    assert (report.chat, report.total.messages) == ("Sam", Sides(me=6, them=7))
    empty = person_report(sam, "Sam", chat="Sam (work)")
    assert empty.total.conversations == 0
    with pytest.raises(NotFound, match="No chat titled 'Nope' with Sam") as caught:
        person_report(sam, "Sam", chat="Nope")
    assert caught.value.hint == "Their chats: Sam, Sam (work)."
