"""Mirror numbers from a hand-written chat put straight into a real store."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from tarry.base.errors import InvalidInput, NotFound
from tarry.mirror import conversations, labelcache
from tarry.mirror.conversations import DepthCounts, Sides
from tarry.mirror.labelcache import ensure_labels
from tarry.mirror.model import labeller
from tarry.mirror.model.corpus import HEADS
from tarry.mirror.person_report import person_report
from tarry.store import Store
from tests.mirror.chatdata import insert_chat, label_by_hand, rows, store_labels


@pytest.fixture
def sam(store: Store) -> Store:
    """Sam's chat with its labels set by hand (see sam.tsv): numbers, not the labeller."""
    label_by_hand(store, insert_chat(store, "Sam", rows("sam.tsv")), "sam.tsv")
    return store


def test_labels_are_cached_once_per_message_and_model(store: Store) -> None:
    insert_chat(store, "Sam", rows("sam.tsv"))
    assert ensure_labels(store) == 13
    assert ensure_labels(store) == 0
    store.execute("UPDATE message_labels SET version = version + 1 WHERE message_id = 9")
    assert ensure_labels(store) == 1
    row = store.one("SELECT version, scores FROM message_labels WHERE message_id = 9")
    assert row is not None and row[0] == labeller.version()
    assert set(json.loads(row[1])) == set(HEADS)


def test_a_long_silence_starts_a_new_conversation_with_fresh_context(store: Store) -> None:
    insert_chat(store, "Sam", rows("sam.tsv"))
    ensure_labels(store)
    # "morning! how are you today?" comes 15 h after the last message: an opening question.
    assert store.scalar("SELECT question FROM message_labels WHERE message_id = 12") == "intro"


def test_totals_each_way(sam: Store) -> None:
    total = person_report(sam, "Sam").total
    assert total.messages == Sides(me=6, them=7)
    assert total.words == Sides(me=39, them=48)
    assert total.conversations == 5
    assert total.started == Sides(me=2, them=3)
    assert total.response_minutes == Sides(me=10.0, them=2.5)
    assert total.depth.me == DepthCounts(none=4, fact=1, thought=0, feeling=1, mean=0.67)
    assert total.depth.them == DepthCounts(none=1, fact=1, thought=0, feeling=5, mean=2.29)
    assert total.follow_up_rate == Sides(me=0.167, them=0.143)
    # Counts use every label: "better thanks" is a feeling the model is unsure of, unanswered.
    assert total.reciprocity == Sides(me=1.0, them=0.0)
    assert total.to_dict()["depth"]["me"] == {
        "none": 4, "fact": 1, "thought": 0, "feeling": 1, "mean": 0.67
    }  # fmt: skip


def test_how_their_feelings_were_met_counts_each_sure_feeling_once(sam: Store) -> None:
    met = person_report(sam, "Sam").total.their_feelings_met
    assert met.total == 4  # "better thanks" is a feeling the model is not sure of: left out
    assert met.counts == {
        "explore": 1, "validate": 0, "share": 0, "fix": 0, "minimise": 0, "redirect": 1,
        "other reply": 1, "no reply": 1,
    }  # fmt: skip
    assert met.shares["redirect"] == 0.25
    assert sum(round(v * 1000) for v in met.shares.values()) == 1000
    assert met.any_move == {
        "explore": 1, "validate": 1, "share": 0, "fix": 0, "minimise": 0, "redirect": 1
    }  # fmt: skip


def test_how_my_feelings_were_met(sam: Store) -> None:
    met = person_report(sam, "Sam").total.my_feelings_met
    assert met.total == 1
    assert [k for k, n in met.counts.items() if n] == ["explore"]  # the reply's first sure move
    assert [k for k, n in met.any_move.items() if n] == ["explore", "validate", "share"]


@pytest.mark.parametrize(
    ("counts", "total"),
    [((1, 1, 1), 3), ((2, 1, 0, 0), 3), ((1,) * 7, 7), ((0, 0), 0), ((3, 2, 0, 1, 0, 1, 2, 1), 10)],
)
def test_shares_add_up_to_exactly_one(counts: tuple[int, ...], total: int) -> None:
    shares = conversations.shares_of({str(k): n for k, n in enumerate(counts)}, total)
    assert sum(round(v * 1000) for v in shares.values()) == (1000 if total else 0)
    assert all(abs(shares[str(k)] - n / total) < 0.001 for k, n in enumerate(counts) if total)


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


def test_notable_moments_hold_only_what_the_model_is_sure_of(sam: Store) -> None:
    notable = person_report(sam, "Sam").notable.to_dict()
    hardest = {m["excerpt"]: m for m in notable["their_hardest"]}
    assert set(hardest) == {
        "i'm so scared about my biopsy tomorrow",
        "that sounds hard, i've felt so lonely since the move too. what's been going on?",
        "i feel like such a failure, i failed my exam",
        "i'm really upset about my sister",
    }  # not "better thanks": a feeling the model is unsure of
    failure = hardest["i feel like such a failure, i failed my exam"]
    assert failure["reply"] == "anyway did you see the game last night?"
    assert failure["met"] == ["redirect"]
    assert failure["reason"] == (
        "they disclosed a feeling (a failure, failed); you replied: redirect"
    )
    assert hardest["i'm really upset about my sister"]["met"] == ["no reply"]
    assert [m["excerpt"] for m in notable["my_vulnerable"]] == [
        "i've been feeling really lonely lately"
    ]
    assert notable["my_vulnerable"][0]["met"] == ["explore", "validate", "share"]
    assert notable["fixed"] == []
    assert [m["reason"] for m in notable["redirects"]] == [
        "after they said something hard (a failure, failed), your reply turned away"
        " ('anyway', 'did you see')"
    ]


def test_a_feeling_met_by_fixing_is_listed_only_when_both_are_sure(store: Store) -> None:
    chat = insert_chat(store, "Kim", [
        ("2026-11-02T09:00:00Z", "them", "i'm drowning at work and i can't sleep"),
        ("2026-11-02T09:05:00Z", "me", "you should just quit tbh"),
        ("2026-11-03T09:00:00Z", "them", "i'm nervous about tomorrow"),
        ("2026-11-03T09:05:00Z", "me", "try to get an early night"),
    ])  # fmt: skip
    store_labels(store, chat, [("feeling", "", "feeling"), ("none", "fix", "fix"),
                               ("feeling", "", "feeling"), ("none", "fix", "")])  # fmt: skip
    fixed = person_report(store, "Kim").notable.fixed
    assert [(m.excerpt, m.reply) for m in fixed] == [
        ("i'm drowning at work and i can't sleep", "you should just quit tbh")
    ]
    assert fixed[0].reason.endswith("your reply tried to fix it")


def test_a_feeling_told_only_in_glad_words_is_not_a_hardest_disclosure(store: Store) -> None:
    chat = insert_chat(store, "Kim", [
        ("2026-11-02T09:00:00Z", "them", "love you, so happy we did this"),
        ("2026-11-02T09:05:00Z", "me", "me too"),
        ("2026-11-03T09:00:00Z", "them", "i'm not happy here anymore"),
        ("2026-11-04T09:00:00Z", "them", "so proud of her, and then the hospital called"),
        ("2026-11-05T09:00:00Z", "them", "i'm so lonely and tired"),
    ])  # fmt: skip
    evidence = [["love you", "so happy"], [], ["happy", "their word 'kim'"],
                ["proud"], ["lonely", "tired"]]  # fmt: skip
    store_labels(
        store, chat,
        [("feeling", "", "feeling") if words else ("none", "", "none") for words in evidence],
        evidence=[{"disclosure": words} for words in evidence],
    )  # fmt: skip
    hardest = person_report(store, "Kim").notable.their_hardest
    assert [m.excerpt for m in hardest] == [
        "i'm so lonely and tired",  # two feeling words
        "so proud of her, and then the hospital called",  # glad, but hard news
        "i'm not happy here anymore",  # a glad word, negated
    ]
    # the words shown are the message's own: not what the other had said
    assert hardest[2].reason.startswith("they disclosed a feeling (happy)")
    assert hardest[1].reason.startswith("they disclosed a feeling (proud, hospital)")


def test_week_summary_for_the_review(sam: Store) -> None:
    week = conversations.week_summary(sam, datetime(2026, 11, 9), datetime(2026, 11, 16)).to_dict()
    assert week["messages"] == {"me": 1, "them": 3}
    assert week["depth"]["them"]["feeling"] == 2
    assert week["depth"]["reciprocity"] == {"me": None, "them": 0.0}
    assert week["stay"] == {"hard_disclosures": 2, "redirected": 1}
    assert week["space"] == {
        "hard_disclosures": 2,
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
    assert total.their_feelings_met.total == 0


def test_unknown_person_and_period(sam: Store) -> None:
    with pytest.raises(NotFound):
        person_report(sam, "Nobody")
    with pytest.raises(InvalidInput, match="Unknown period 'year'") as caught:
        person_report(sam, "Sam", by="year")
    assert (caught.value.field, caught.value.expected) == ("by", "week or month")
    assert caught.value.example == "month"


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
