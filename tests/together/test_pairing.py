"""Pairing by code: both sides get the same pair and safety number; a wrong, reused or expired
code fails; attempts are limited."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tarry.base.errors import Conflict, Gone, InvalidInput, NotFound, RateLimited
from tarry.store import Store
from tarry.together import pairing, pairs

from .conftest import LiveRelay, Two, pair_up


def test_both_sides_agree(two: Two) -> None:
    a, b = two.pair_a(), two.pair_b()
    assert a.pair_id == b.pair_id and a.safety == b.safety and len(a.safety) == 35
    assert a.peer.sign == pairs.identity.of_store(two.b).sign_public


def test_pairing_survives_the_inviter_reading_last(tmp_path: Path, relay: LiveRelay) -> None:
    """On a slow machine the inviter may read the other side's confirmation only after the other
    side has finished and closed the code; closing must not take that confirmation away."""
    closed: list[asyncio.Event] = []

    async def inviter_reads_late(scope: dict[str, Any], proceed: Callable[[], Any]) -> None:
        if not closed:
            closed.append(asyncio.Event())
        if scope["method"] == "GET" and scope["path"].endswith("/b/confirm"):
            await asyncio.wait_for(closed[0].wait(), 20)  # only the inviter reads side b
        await proceed()
        if scope["method"] == "DELETE" and scope["path"].startswith("/v1/pairing/"):
            closed[0].set()

    relay.evil.around = inviter_reads_late
    with Store.open(tmp_path / "a") as a, Store.open(tmp_path / "b") as b:
        thread, invitation, outcome = _invite(a, relay.url)
        pairs.set_relay(b, relay.url)
        paired = pairing.accept(pairs.client_for(b), invitation.code)
        thread.join(30)
        assert closed[0].is_set()
        assert "error" not in outcome, outcome["error"]
        assert outcome["paired"].safety == paired.safety
        assert outcome["paired"].pair_id == paired.pair_id


def _invite(store: Store, url: str) -> tuple[Any, pairing.Invitation, dict[str, Any]]:
    pairs.set_relay(store, url)
    client = pairs.client_for(store)
    invitation = pairing.invite(client)
    outcome: dict[str, Any] = {}

    def wait() -> None:
        try:
            outcome["paired"] = pairing.finish_invitation(client, invitation)
        except Exception as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=wait)
    thread.start()
    return thread, invitation, outcome


def test_a_wrong_code_fails_on_both_sides_and_burns_the_code(
    tmp_path: Path, relay: LiveRelay
) -> None:
    with Store.open(tmp_path / "a") as a, Store.open(tmp_path / "b") as b, \
            Store.open(tmp_path / "c") as c:  # fmt: skip
        thread, invitation, outcome = _invite(a, relay.url)
        words = list(invitation.code.words)
        words[0] = next(w for w in pairing.WORDS if w != words[0])
        wrong = pairing.Code(invitation.code.nameplate, tuple(words))
        pairs.set_relay(b, relay.url)
        with pytest.raises(pairing.PairingFailed, match="did not match"):
            pairing.accept(pairs.client_for(b), wrong)
        thread.join(30)
        assert isinstance(outcome["error"], pairing.PairingFailed)
        number = invitation.code.nameplate
        assert relay.storage.nameplate(number, time.time()).closed
        assert relay.storage.pairing_message(number, "a", "pake") is None  # both sides closed
        pairs.set_relay(c, relay.url)
        with pytest.raises((Conflict, Gone, NotFound)):  # the right code, too late: used up
            pairing.accept(pairs.client_for(c), invitation.code)
        assert pairs.active(a) == [] == pairs.active(b)


def test_a_used_code_cannot_pair_a_third_device(tmp_path: Path, two: Two, relay: LiveRelay) -> None:
    with Store.open(tmp_path / "a2") as a2, Store.open(tmp_path / "c") as c:
        thread, invitation, _ = _invite(a2, relay.url)
        pairs.set_relay(c, relay.url)
        pairs.keep(
            c, pairs.client_for(c), pairing.accept(pairs.client_for(c), invitation.code), "A2"
        )
        thread.join(30)
        with Store.open(tmp_path / "d") as d:
            pairs.set_relay(d, relay.url)
            with pytest.raises((Conflict, Gone, NotFound)):
                pairing.accept(pairs.client_for(d), invitation.code)


def test_a_code_being_used_cannot_be_claimed_by_a_third_device(
    tmp_path: Path, relay: LiveRelay
) -> None:
    with Store.open(tmp_path / "a") as a, Store.open(tmp_path / "b") as b, \
            Store.open(tmp_path / "c") as c:  # fmt: skip
        pairs.set_relay(a, relay.url)
        invitation = pairing.invite(pairs.client_for(a))
        number = invitation.code.nameplate
        for store in (b, c):
            pairs.set_relay(store, relay.url)
        pairs.client_for(b).claim(number)  # b is typing the code in: the pairing is under way
        with pytest.raises(Conflict, match=f"Pairing code {number} was already used"):
            pairs.client_for(c).claim(number)
        pairs.client_for(b).claim(number)  # b asking again is still b


def test_a_code_its_inviter_closed_cannot_be_claimed(tmp_path: Path, relay: LiveRelay) -> None:
    with Store.open(tmp_path / "a") as a, Store.open(tmp_path / "b") as b:
        pairs.set_relay(a, relay.url)
        invitation = pairing.invite(pairs.client_for(a))
        pairs.client_for(a).close_nameplate(invitation.code.nameplate)  # gave up waiting
        pairs.set_relay(b, relay.url)
        with pytest.raises(Gone, match="was used and is closed"):
            pairing.accept(pairs.client_for(b), invitation.code)


def test_a_code_expires(tmp_path: Path, relay: LiveRelay) -> None:
    relay.evil.app.state.relay.config.pairing_ttl_s = 1.0  # ten minutes, shortened for the test
    with Store.open(tmp_path / "a") as a, Store.open(tmp_path / "b") as b:
        thread, invitation, outcome = _invite(a, relay.url)
        assert invitation.expires_at - time.time() <= 1.0
        thread.join(10)  # the inviter gives up when the code expires
        assert not thread.is_alive()
        assert isinstance(outcome["error"], pairing.PairingFailed)
        assert "expired" in outcome["error"].message
        pairs.set_relay(b, relay.url)
        with pytest.raises(NotFound, match="expired or never was"):
            pairing.accept(pairs.client_for(b), invitation.code)


def test_an_unknown_code_is_refused(tmp_path: Path, relay: LiveRelay) -> None:
    with Store.open(tmp_path / "b") as b:
        pairs.set_relay(b, relay.url)
        with pytest.raises(NotFound, match="no pairing code 99"):
            pairing.accept(pairs.client_for(b), pairing.parse_code("99-amber-river-lantern"))


def test_pairing_attempts_are_rate_limited(tmp_path: Path, relay: LiveRelay) -> None:
    relay.evil.app.state.relay.config.pairings_per_hour_device = 2
    with Store.open(tmp_path / "a") as a:
        pairs.set_relay(a, relay.url)
        client = pairs.client_for(a)
        client.create_nameplate()
        client.create_nameplate()
        with pytest.raises(RateLimited, match="Too many pairing attempts"):
            client.create_nameplate()


def test_pairing_attempts_from_one_address_are_rate_limited(
    tmp_path: Path, relay: LiveRelay
) -> None:
    relay.evil.app.state.relay.config.pairings_per_hour_ip = 2
    for name in ("a", "b", "c"):  # three devices, one address
        with Store.open(tmp_path / name) as store:
            pairs.set_relay(store, relay.url)
            if name != "c":
                pairs.client_for(store).create_nameplate()
                continue
            with pytest.raises(RateLimited, match="Too many pairing attempts"):
                pairs.client_for(store).create_nameplate()


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("amber-river-lantern", "is not a pairing code"),
        ("12-amber-river", "is not a pairing code"),
        ("12-amber-river-zzz", "'zzz' is not a word"),
    ],
)
def test_codes_are_read_forgivingly_and_refused_clearly(typed: str, problem: str) -> None:
    assert pairing.parse_code(" 12 Amber-river  LANTERN ").text == "12-amber-river-lantern"
    with pytest.raises(InvalidInput, match=problem):
        pairing.parse_code(typed)


def test_one_person_is_paired_once_but_one_may_pair_with_several(
    tmp_path: Path, two: Two, relay: LiveRelay
) -> None:
    with pytest.raises(Conflict, match="already paired with Sam"):
        pairs.check_free(two.a, "Sam")
    with Store.open(tmp_path / "friend") as friend:
        pair_up(two.a, friend, relay.url, a_calls="Robin")
    assert [p.person for p in pairs.active(two.a)] == ["Robin", "Sam"]


def test_unpairing_revokes_on_both_sides(two: Two) -> None:
    from tarry.together import sync

    pair, told = pairs.unpair(two.a, "Sam")
    assert told and not pair.active
    assert sync.sync(two.b).revoked == ["Alex"]
    assert pairs.active(two.b) == []
