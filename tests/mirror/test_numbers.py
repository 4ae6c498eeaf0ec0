"""The numbers a report gives, from rows labelled by hand: depth met with depth, how feelings
were met, depth counts, reply times, where a conversation ends, shares that add up."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tarry.base.errors import NotFound
from tarry.declare import people
from tarry.mirror import conversations
from tarry.mirror.conversations import GAP, summarise
from tarry.mirror.person_report import person_report
from tarry.store import Store
from tests.mirror.chatdata import Chat, insert_chat, store_labels


def test_depth_met_with_depth_counts_thoughts_and_feelings_each_once() -> None:
    chat = Chat()
    chat.say("them", "i think she's right", "thought")
    chat.say("me", "i think so too", "thought")  # as deep: met
    chat.say("them", "i'm so scared", "feeling")
    chat.say("me", "i went there once", "fact")  # shallower: not met
    chat.say("me", "what happened?")
    chat.say("them", "i guess it's fine", "thought")
    chat.say("me", "ok")  # no disclosure: not met
    numbers = summarise(chat.rows)
    assert numbers.reciprocity.them == 0.333  # one of three, to three decimals
    assert numbers.reciprocity.me == 1.0  # my one thought, answered by their feeling
    depth = numbers.depth.them
    assert (depth.none, depth.fact, depth.thought, depth.feeling) == (0, 0, 2, 1)
    assert depth.mean == round((2 + 3 + 2) / 3, 2)
    mine = numbers.depth.me
    assert (mine.none, mine.fact, mine.thought, mine.feeling, mine.mean) == (2, 1, 1, 0, 0.75)


def test_how_feelings_were_met_counts_every_sure_feeling_by_the_first_sure_move() -> None:
    chat = Chat()
    for n in range(2):
        chat.say("them", f"i'm sad {n}", "feeling", later=timedelta(days=1))
        chat.say("me", "oh no, what happened?", moves=("validate", "explore"))
    chat.say("them", "i'm tired", "feeling", later=timedelta(days=1))
    chat.say("me", "sleep", moves=("fix",), sure=())  # a move it is not sure of
    chat.say("them", "i'm lonely", "feeling", sure=(), later=timedelta(days=1))  # not sure
    chat.say("me", "call me", moves=("fix",))
    met = summarise(chat.rows).their_feelings_met
    assert met.total == 3
    assert {k: n for k, n in met.counts.items() if n} == {"explore": 2, "other reply": 1}
    assert met.shares["explore"] == 0.667 and met.shares["other reply"] == 0.333
    assert {k: n for k, n in met.any_move.items() if n} == {"explore": 2, "validate": 2}


def test_a_silence_longer_than_six_hours_starts_a_new_conversation() -> None:
    chat = Chat()
    chat.say("them", "hi")
    chat.say("me", "hey", later=GAP)  # exactly six hours: the same conversation
    chat.say("them", "still there?", later=GAP + timedelta(seconds=1))
    numbers = summarise(chat.rows)
    assert numbers.conversations == 2
    assert (numbers.started.them, numbers.started.me) == (2, 0)


def test_reply_minutes_are_the_median_to_a_tenth() -> None:
    chat = Chat()
    chat.say("them", "hi")
    chat.say("me", "hey", later=timedelta(seconds=74))  # 1.2333 minutes
    chat.say("them", "how are you", later=timedelta(minutes=3))
    numbers = summarise(chat.rows)
    assert numbers.response_minutes.me == 1.2
    assert numbers.response_minutes.them == 3.0


def test_shares_give_the_rest_to_the_largest_remainders() -> None:
    shares = conversations.shares_of({"a": 5, "b": 1, "c": 1}, 7)
    assert shares == {"a": 0.714, "b": 0.143, "c": 0.143}
    assert sum(round(v * 1000) for v in shares.values()) == 1000
    assert conversations.shares_of({"a": 0, "b": 0}, 0) == {"a": 0.0, "b": 0.0}


def test_the_weeks_space_counts_sure_hard_disclosures_met_by_each_kind_of_move() -> None:
    chat = Chat()
    replies = [("explore",), ("validate",), ("fix",), ("minimise",), ("fix", "validate")]
    for n, moves in enumerate(replies):
        chat.say("them", f"i'm sad {n}", "feeling", later=timedelta(days=1))
        chat.say("me", "reply", moves=moves)
    chat.say("them", "i'm upset", "feeling", sure=(), later=timedelta(days=1))  # not sure
    chat.say("me", "reply", moves=("fix", "validate"))
    chat.say("them", "i'm so excited i could scream", "feeling", later=timedelta(days=1))
    chat.say("me", "go celebrate!", moves=("fix", "validate"))  # glad news: no pain fixed
    chat.say("them", "i think dad is in hospital again", "thought", later=timedelta(days=1))
    chat.say("me", "anyway, dinner?", moves=("redirect",))  # hard news, turned from
    hard = conversations.hard_exchanges(conversations.split(chat.rows))
    assert [e.said.text for e in hard][-2:] == ["i'm sad 4", "i think dad is in hospital again"]
    assert len(hard) == 6
    assert conversations._met_by(hard, ("explore", "validate")) == 3
    assert conversations._met_by(hard, ("fix", "minimise")) == 3
    assert conversations._met_by(hard, ("redirect",)) == 1


@pytest.mark.parametrize(
    ("text", "disclosure", "hard"),
    [
        ("i'm so excited i could scream", "feeling", False),
        ("love you, so happy we did this", "feeling", False),
        ("honestly i'm over the moon", "feeling", False),
        ("i care about you so much", "feeling", False),
        ("so happy, i passed my driving test!!", "feeling", False),  # "passed away" is hard
        ("just back from the care home, they packed her things", "feeling", True),  # no glad care
        ("i'm not happy here", "feeling", True),  # a glad word, negated
        ("so relieved, the scan was clear", "feeling", True),  # glad, but hard news told
        ("i'm nervous but excited", "feeling", True),  # one feeling not glad
        ("i just want to move on", "feeling", True),  # a feeling in no listed word
        ("i think the film was long", "thought", False),
        ("i think my dad is in hospital again", "thought", True),
    ],
)
def test_hard_is_a_sure_feeling_not_told_only_in_glad_words_or_sure_hard_news(
    text: str, disclosure: str, hard: bool
) -> None:
    (row,) = Chat().say("them", text, disclosure).rows
    assert conversations.is_hard(row) is hard
    (unsure,) = Chat().say("them", text, disclosure, sure=()).rows
    assert not conversations.is_hard(unsure)  # only what the model is sure of


def test_the_weekly_review_counts_how_their_sure_feelings_were_met(store: Store) -> None:
    messages = [
        ("2026-11-10T09:00:00Z", "them", "i'm so sad", "feeling", "", "feeling"),
        ("2026-11-10T09:01:00Z", "me", "what happened?", "none", "explore", "explore"),
        ("2026-11-11T09:00:00Z", "them", "i'm scared", "feeling", "", "feeling"),
        ("2026-11-11T09:01:00Z", "me", "that's scary", "none", "validate", "validate"),
        ("2026-11-12T09:00:00Z", "them", "i'm tired", "feeling", "", "feeling"),
        ("2026-11-12T09:01:00Z", "me", "just sleep", "none", "fix", "fix"),
        ("2026-11-13T09:00:00Z", "them", "i'm lonely", "feeling", "", "feeling"),
        ("2026-11-13T09:01:00Z", "me", "at least you have a cat", "none", "minimise", "minimise"),
        ("2026-11-14T09:00:00Z", "them", "i'm low", "feeling", "", ""),  # not sure: left out
        ("2026-11-14T09:01:00Z", "me", "cheer up", "none", "minimise", "minimise"),
    ]  # fmt: skip
    chat = insert_chat(store, "Kim", [(ts, who, text) for ts, who, text, *_ in messages])
    store_labels(store, chat, [(d, m, s) for *_, d, m, s in messages])
    week = conversations.week_summary(store, datetime(2026, 11, 9), datetime(2026, 11, 16))
    got = week.to_dict()
    assert got["start"] == "2026-11-09T00:00:00" and got["end"] == "2026-11-16T00:00:00"
    assert got["space"] == {
        "hard_disclosures": 4,
        "explored_or_validated": 2,
        "fixed_or_minimised": 2,
    }
    assert got["seen"] == {"my_feelings": 0, "met": dict.fromkeys(conversations.REPLIES, 0)}
    assert got["depth"]["me"]["none"] == 5 and got["depth"]["them"]["feeling"] == 5
    assert got["follow_up_rate"] == {"me": 0.0, "them": 0.0}


def test_a_week_holds_its_first_moment_and_not_the_next_weeks(store: Store) -> None:
    chat = insert_chat(store, "Kim", [
        ("2026-11-08T23:59:59", "them", "before"),
        ("2026-11-09T00:00:00", "them", "first"),
        ("2026-11-15T23:59:59", "them", "last"),
        ("2026-11-16T00:00:00", "them", "after"),
    ])  # fmt: skip
    store_labels(store, chat, [("none", "", "")] * 4)
    week = conversations.week_summary(store, datetime(2026, 11, 9), datetime(2026, 11, 16))
    assert week.to_dict()["messages"] == {"me": 0, "them": 2}


def test_a_chat_and_a_start_date_both_narrow_the_report(store: Store) -> None:
    chat = insert_chat(store, "Kim", [
        ("2026-10-01T09:00:00", "them", "october"),
        ("2026-11-20T09:00:00", "them", "november"),
    ])  # fmt: skip
    store.execute("UPDATE conversations SET title = 'Kim (WhatsApp)' WHERE id = ?", (chat,))
    insert_chat(store, "Kim", [("2026-11-21T09:00:00", "them", "another chat")])
    report = person_report(store, "Kim", since=datetime(2026, 11, 1), chat="Kim (WhatsApp)")
    assert report.total.messages.them == 1  # november, of that chat only
    week = conversations.week_summary(store, datetime(2026, 11, 16), datetime(2026, 11, 23))
    assert [p.name for p in week.people] == ["Kim"]  # the person's name, not a chat's title
    with pytest.raises(NotFound, match=r"Their chats: Kim, Kim \(WhatsApp\)\."):
        person_report(store, "Kim", chat="Nope")
    people.add(store, "Ola")
    with pytest.raises(NotFound, match=r"Their chats: none imported yet\."):
        person_report(store, "Ola", chat="Nope")


@pytest.mark.parametrize("by", ["week", "month"])
def test_a_reports_total_is_its_periods_added_and_each_period_its_own_numbers(by: str) -> None:
    """The total comes from adding the periods' tallies, not from counting again: it must be
    what counting every session at once gives, and each period what its sessions give."""
    chat = Chat()
    sides = ("them", "me", "me", "them", "me")
    levels = ("feeling", "thought", "none", "fact", "feeling")
    for n in range(40):  # sessions days apart, over about three months
        gap = timedelta(days=9) if n % 4 == 0 else timedelta(minutes=7 * (n % 3) + 1)
        moves = ("validate",) if n % 3 == 0 else ("fix", "explore") if n % 5 == 0 else ()
        chat.say(sides[n % 5], f"message {n} " * (n % 4 + 1), levels[n % 7 % 5], moves=moves,
                 later=gap)  # fmt: skip
    chunks = conversations.split(chat.rows)
    total, periods = conversations.with_periods(chunks, by)
    assert len(periods) >= 3
    assert total == conversations.summarise_sessions(chunks)
    groups: dict[str, list[conversations.Session]] = {}
    for chunk in chunks:
        groups.setdefault(conversations.period_key(chunk.rows[0].at, by), []).append(chunk)
    assert [(p.period, p.numbers) for p in periods] == [
        (key, conversations.summarise_sessions(groups[key])) for key in sorted(groups)
    ]
