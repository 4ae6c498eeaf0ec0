"""Pairs and their messages on the relay: join, revoke, post, deliver by long-poll, acknowledge.

Each direction of a pair is a numbered stream: the relay takes message n from a sender only after
n-1 (a retry of a stored one is answered, not stored twice), delivers in order, and deletes what
the recipient acknowledged. What the numbers and the hash chain inside the ciphertext prove is
checked by the clients, which trust the relay for nothing but delivery.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from tarry.base.errors import (
    Conflict,
    Forbidden,
    Gone,
    InvalidInput,
    NotFound,
    RateLimited,
    TarryError,
)
from tarry.relay import protocol
from tarry.relay.service import Relay, json_of, read_body, relay_of, replayed
from tarry.relay.storage import (
    BacklogFull,
    NoPair,
    NotInPair,
    PairGone,
    Refused,
    Replayed,
    SeqConflict,
)

REPAIR = "Pair again."


def _pair_id(text: str) -> bytes:
    try:
        return protocol.parse_pair_id(text)
    except ValueError as exc:
        raise InvalidInput(f"Bad pair id {text[:40]!r}: {exc}.") from None


def refusal(exc: Refused) -> TarryError:
    """What the storage refused, as the error the device is told."""
    pair_id = exc.pair_id
    if isinstance(exc, Replayed):
        return replayed()
    if isinstance(exc, NoPair):
        return NotFound(f"No pair {pair_id.hex()} on this relay.", REPAIR)
    if isinstance(exc, NotInPair):
        return Forbidden("This device is not in that pair.")
    if isinstance(exc, PairGone):
        return Gone("This pair was unpaired.", REPAIR)
    if isinstance(exc, BacklogFull):
        return RateLimited(
            f"{protocol.MAX_BACKLOG} messages already wait for the other device.",
            "Wait until the other device collects them.",
        )
    assert isinstance(exc, SeqConflict)
    error = Conflict(f"Message refused: {exc.reason}.", f"Send message {exc.expected}.")
    error.extra = {"expected": exc.expected}  # type: ignore[attr-defined]
    return error


async def join(request: Request) -> Response:
    relay = relay_of(request)
    body = await read_body(request, protocol.MAX_JSON_BYTES)
    who = await relay.signed_write(request, body)
    data = json_of(body)
    pair_id = _pair_id(str(data.get("pair_id", "")))
    try:
        peer = protocol.b64d(str(data.get("peer", "")))
    except ValueError:
        peer = b""
    if len(peer) != 32 or peer == who.device:
        raise InvalidInput("`peer` must be the other device's verify key (32 bytes, base64).")
    pair = await relay.db(relay.storage.join_pair, pair_id, who.device, peer, relay.now())
    if pair.slot_of(who.device) is None or pair.slot_of(peer) is None:
        raise Forbidden("That pair id belongs to other devices.")
    if pair.revoked_at is not None:
        raise Gone("This pair was unpaired.", REPAIR)
    relay.wake(pair_id)
    return JSONResponse(
        {"pair_id": pair_id.hex(), "both_joined": pair.joined_low and pair.joined_high}
    )


async def revoke(request: Request) -> Response:
    relay = relay_of(request)
    who = await relay.signed_write(request, await read_body(request, 0))
    pair_id = _pair_id(request.path_params["pair"])
    pair = await relay.db(relay.storage.pair, pair_id)
    if pair is None:
        raise NotFound(f"No pair {pair_id.hex()} on this relay.", REPAIR)
    if pair.slot_of(who.device) is None:
        raise Forbidden("This device is not in that pair.")
    if pair.revoked_at is not None:
        raise Gone("This pair was unpaired.", REPAIR)
    await relay.db(relay.storage.revoke_pair, pair_id, relay.now())
    relay.wake(pair_id)
    return JSONResponse({"revoked": pair_id.hex()})


async def post(request: Request) -> Response:
    """Message `seq` of this device in a pair: nonce, membership, order and storing in one
    transaction (relay/sql.py)."""
    relay = relay_of(request)
    body = await read_body(request, protocol.MAX_MESSAGE_BYTES)
    who = await relay.signed(request, body)
    pair_id = _pair_id(request.path_params["pair"])
    seq = _seq(request.path_params["seq"])
    if not body:
        raise InvalidInput("A message needs a body.")
    args = (pair_id, who.device, seq, body, relay.now(), relay.nonce(who), protocol.MAX_BACKLOG)
    try:
        result = await relay.db(relay.storage.put_message, *args)
    except Refused as exc:
        raise refusal(exc) from None
    if result.stored:
        relay.wake(pair_id)
    return JSONResponse({"stored": result.stored, "next": result.expected})


def _seq(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 2**62:
        raise InvalidInput(f"A message number is a positive whole number, not {text[:20]!r}.")
    return int(text)


def _wanted(data: dict[str, Any]) -> tuple[dict[bytes, int], float]:
    pairs = data.get("pairs")
    if not isinstance(pairs, dict) or not 0 < len(pairs) <= 64:
        raise InvalidInput("`pairs` must map 1 to 64 pair ids to the last message number read.")
    wanted = {}
    for key, after in pairs.items():
        if not isinstance(after, int) or after < 0:
            raise InvalidInput(f"The last message read of {key[:40]!r} must be a number >= 0.")
        wanted[_pair_id(key)] = after
    wait = data.get("wait", 0)
    if not isinstance(wait, int | float) or not 0 <= wait < float("inf"):
        raise InvalidInput("`wait` must be a number of seconds >= 0.")
    return wanted, min(float(wait), protocol.MAX_WAIT_S)


async def inbox(request: Request) -> Response:
    """Messages for this device in each pair asked for; waits up to `wait` s when there are none."""
    relay = relay_of(request)
    body = await read_body(request, protocol.MAX_JSON_BYTES)
    who = await relay.signed(request, body)
    wanted, wait = _wanted(json_of(body))
    deadline = relay.now() + wait
    while True:
        found = await _collect(relay, who.device, wanted)
        left = deadline - relay.now()
        if left <= 0 or any(v["messages"] or v["revoked"] for v in found.values()):
            return JSONResponse({"pairs": found})
        await relay.waiters.wait(wanted, left)


async def _collect(relay: Relay, device: bytes, wanted: dict[bytes, int]) -> dict[str, Any]:
    """What waits in each pair, read in one go (one connection, no transaction)."""
    args = (device, wanted, protocol.MAX_BATCH, protocol.MAX_BATCH_BYTES)
    try:
        found = await relay.db(relay.storage.deliveries, *args)
    except Refused as exc:
        raise refusal(exc) from None
    return {
        pair_id.hex(): {
            "messages": [
                {"seq": m.seq, "body": protocol.b64e(m.body), "at": m.received_at}
                for m in got.messages
            ],
            "revoked": got.revoked,
        }
        for pair_id, got in found.items()
    }


async def ack(request: Request) -> Response:
    relay = relay_of(request)
    body = await read_body(request, protocol.MAX_JSON_BYTES)
    who = await relay.signed(request, body)
    pair_id = _pair_id(request.path_params["pair"])
    upto = json_of(body).get("upto")
    if not isinstance(upto, int) or upto < 0:
        raise InvalidInput("`upto` must be the last message number read (a whole number >= 0).")
    try:
        deleted = await relay.db(relay.storage.ack, pair_id, who.device, upto, relay.nonce(who))
    except Refused as exc:
        raise refusal(exc) from None
    return JSONResponse({"deleted": deleted})


def routes() -> list[BaseRoute]:
    one = "/v1/pairs/{pair}"
    return [
        Route("/v1/pairs", join, methods=["POST"]),
        Route(one, revoke, methods=["DELETE"]),
        Route(one + "/messages/{seq}", post, methods=["PUT"]),
        Route(one + "/ack", ack, methods=["POST"]),
        Route("/v1/inbox", inbox, methods=["POST"]),
    ]
