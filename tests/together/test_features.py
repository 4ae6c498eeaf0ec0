"""Answer then reveal, check-ins at a distance, shared time and nudges between two real homes."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import pytest
from nacl.secret import SecretBox

from tarry.base import clock
from tarry.base.errors import Conflict
from tarry.calendar.export import export_ics
from tarry.commit import commitments
from tarry.reflect import moments
from tarry.relay.protocol import b64e
from tarry.store import Store
from tarry.together import checkins, inbox, nudges, outbox, pairs, rounds, shared_time, sync

from .conftest import Two


def both(two: Two, times: int = 2) -> None:
    for _ in range(times):
        sync.sync(two.a)
        sync.sync(two.b)


def texts(store) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.text for n in nudges.nudges(store)]


def test_neither_reads_the_other_before_both_answered(two: Two) -> None:
    found = rounds.open_round(two.a, two.pair_a())
    both(two)
    assert texts(two.b) == [f"Alex asked: {found.prompt}"]
    rounds.answer(two.b, two.pair_b(), found.round_id, "Sam's answer")
    both(two)
    seen_by_a = rounds.get(two.a, found.round_id)
    assert (seen_by_a.state, seen_by_a.their_answer) == ("your turn", None)
    assert store_has_no_key(two, found.round_id)
    assert key_left(two.b, found.round_id) is False  # Sam's key waits for Alex's commitment
    assert texts(two.a) == ["Sam answered; your turn."]
    rounds.answer(two.a, two.pair_a(), found.round_id, "Alex's answer")
    both(two)
    for store, mine, theirs in ((two.a, "Alex's", "Sam's"), (two.b, "Sam's", "Alex's")):
        got = rounds.get(store, found.round_id)
        assert (got.state, got.my_answer, got.their_answer) == (
            "revealed",
            f"{mine} answer",
            f"{theirs} answer",
        )
    rounds.reply(two.a, two.pair_a(), found.round_id, "I did not expect that.")
    both(two)
    assert [r.text for r in rounds.get(two.b, found.round_id).replies] == ["I did not expect that."]
    assert "Alex replied (1)." in texts(two.b)


def key_left(store: Store, round_id: str) -> bool:
    row = store.one("SELECT my_revealed_at FROM together_rounds WHERE round_id = ?", (round_id,))
    assert row is not None
    return row[0] is not None


def store_has_no_key(two: Two, round_id: str) -> bool:
    row = two.a.one("SELECT their_answer FROM together_rounds WHERE round_id = ?", (round_id,))
    return row is not None and row[0] is None


def test_an_answer_cannot_be_changed_and_the_thread_waits(two: Two) -> None:
    found = rounds.open_round(two.a, two.pair_a())
    rounds.answer(two.a, two.pair_a(), found.round_id, "first")
    with pytest.raises(Conflict, match="cannot be changed"):
        rounds.answer(two.a, two.pair_a(), found.round_id, "second")
    with pytest.raises(Conflict, match="once both answers"):
        rounds.reply(two.a, two.pair_a(), found.round_id, "too soon")


def test_a_key_that_does_not_match_its_commitment_is_not_shown(two: Two) -> None:
    found = rounds.open_round(two.a, two.pair_a())
    both(two)
    rounds.answer(two.b, two.pair_b(), found.round_id, "honest")
    rounds.answer(two.a, two.pair_a(), found.round_id, "mine")
    # Sam's device swaps its key before it is released: the commitment no longer matches.
    two.b.execute(
        "UPDATE together_rounds SET my_key = ? WHERE round_id = ?", (b"\x00" * 32, found.round_id)
    )
    both(two, 3)
    got = rounds.get(two.a, found.round_id)
    assert got.state == "broken" and got.their_answer is None
    assert "does not match the answer they committed to" in (got.broken or "")


def sam_sends(two: Two, kind: str, content: dict[str, Any]) -> None:
    """What a changed tarry on Sam's device could send: signed and sealed like any message."""
    outbox.queue(two.b, two.pair_b().pair_id, kind, content)


def test_a_key_sent_before_the_other_answered_is_set_aside_unread(two: Two) -> None:
    found = rounds.open_round(two.a, two.pair_a())
    both(two)
    rounds.answer(two.b, two.pair_b(), found.round_id, "Sam's answer")
    key = two.b.scalar("SELECT my_key FROM together_rounds WHERE round_id = ?", (found.round_id,))
    sam_sends(two, "round.reveal", {"round": found.round_id, "key": b64e(bytes(key))})
    both(two)
    early = rounds.get(two.a, found.round_id)
    assert (early.state, early.their_answer) == ("your turn", None)
    assert "set aside unread" in " ".join(a.detail for a in inbox.alerts(two.a))
    rounds.answer(two.a, two.pair_a(), found.round_id, "Alex's answer")
    both(two, 3)  # now Sam's tarry releases the key in turn, and it opens
    assert rounds.get(two.a, found.round_id).their_answer == "Sam's answer"


def test_an_answer_cannot_be_swapped_after_seeing_the_other(two: Two) -> None:
    found = rounds.open_round(two.a, two.pair_a())
    both(two)
    rounds.answer(two.b, two.pair_b(), found.round_id, "Sam's answer")
    rounds.answer(two.a, two.pair_a(), found.round_id, "Alex's answer")
    both(two, 3)
    assert rounds.get(two.b, found.round_id).their_answer == "Alex's answer"
    # Having read Alex's answer, Sam's device commits to another answer and sends its key.
    key = secrets.token_bytes(SecretBox.KEY_SIZE)
    cipher = bytes(SecretBox(key).encrypt(b"A better answer, now that I know"))
    sam = pairs.identity.of_store(two.b).sign_public
    commit = rounds.commitment(found.round_id, sam, cipher, key)
    sam_sends(
        two,
        "round.commit",
        {"round": found.round_id, "cipher": b64e(cipher), "commitment": b64e(commit)},
    )
    sam_sends(two, "round.reveal", {"round": found.round_id, "key": b64e(key)})
    both(two)
    assert rounds.get(two.a, found.round_id).their_answer == "Sam's answer"
    assert "a second answer to the same question" in [a.detail for a in inbox.alerts(two.a)]


def test_depth_is_what_both_said(two: Two) -> None:
    rounds.set_depth(two.a, two.pair_a(), 4)
    both(two)
    assert (two.pair_a().depth, two.pair_b().depth) == (2, 2)
    assert "Alex would go to depth 4; you said 2." in texts(two.b)
    rounds.set_depth(two.b, two.pair_b(), 4)
    both(two)
    assert rounds.open_round(two.a, two.pair_a()).depth == 4


def test_a_check_in_at_a_distance(two: Two) -> None:
    found = checkins.start(two.a, two.pair_a(), "checkin", minutes=20, first="them")
    both(two)
    assert texts(two.b) == ["Alex started a check-in."]
    theirs = checkins.get(two.b, found.checkin_id)
    mine = checkins.get(two.a, found.checkin_id)
    # Sam speaks first: on Sam's screen "you" speak, on Alex's screen "Sam" speaks.
    k = next(i for i, t in enumerate(mine.turns()) if t.listener)
    assert (theirs.turns()[k].speaker, mine.turns()[k].speaker) == ("you", "Sam")
    assert mine.turns()[k].listener == "you" and mine.turns()[k].cues
    assert mine.now(found.starts_at + timedelta(seconds=30))[0] == 1  # type: ignore[index]
    moment = checkins.rate(two.b, two.pair_b(), found.checkin_id, heard=6)
    assert moments.get(two.b, moment.id).responsiveness == 6
    both(two)
    assert checkins.get(two.a, found.checkin_id).their_done_at is not None
    assert moments.all_moments(two.a) == []  # Sam's rating never left Sam's store


def test_shared_time_lands_in_both_stores_and_calendars(two: Two) -> None:
    proposal = shared_time.propose(
        two.a,
        two.pair_a(),
        "Phone-free dinner",
        every="thursday 19:00",
        duration_min=120,
        practices=["priority"],
    )
    both(two)
    assert "Alex proposes: Phone-free dinner." in texts(two.b)
    shared_time.accept(two.b, two.pair_b(), proposal.proposal_id)
    both(two)
    for store, other in ((two.a, "Sam"), (two.b, "Alex")):
        made = commitments.get(store, "Phone-free dinner")
        assert (made.people, made.duration_min, made.practices) == ([other], 120, ["priority"])
        assert b"SUMMARY:Phone-free dinner" in export_ics(store)
    assert "Sam accepted Phone-free dinner" in " ".join(texts(two.a))
    last = commitments.latest_before(
        commitments.get(two.b, "Phone-free dinner"),
        commitments.naive(clock.now() + timedelta(days=8)),
    )
    shared_time.mark(
        two.b, two.pair_b(), "Phone-free dinner", "traded", when=last, traded_for="a deadline"
    )
    both(two)
    assert any("traded (what for stays with Sam)" in t for t in texts(two.a))
    shared_time.mark(
        two.b,
        two.pair_b(),
        "Phone-free dinner",
        "traded",
        when=last,
        traded_for="a deadline",
        tell_why=True,
    )
    both(two)
    assert any("traded (for: a deadline)" in t for t in texts(two.a))
    assert commitments.occurrences(two.a, last, last + timedelta(seconds=1))[0].status == "pending"
