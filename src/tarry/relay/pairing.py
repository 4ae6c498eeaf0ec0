"""Pairing on the relay: a numbered slot where two devices swap a few opaque messages.

The relay sees the code's number, never its words: it relays the SPAKE2 messages and the
encrypted confirmations and cannot learn the key. A slot lives PAIRING_TTL_S, takes exactly one
claimant (so a code works once: a wrong or reused code fails), and attempts are rate-limited per
device and per address. Each side closes the slot when it is done; from the first close nothing
more can be claimed or written, and the messages go once both sides closed or the slot expired.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from tarry.base.errors import Conflict, Forbidden, Gone, InvalidInput, NotFound, RateLimited
from tarry.relay import protocol
from tarry.relay.service import Relay, read_body, relay_of
from tarry.relay.storage import Nameplate

SIDES = ("a", "b")
PHASES = ("pake", "confirm")
NEW_CODE = "Ask the other person for a new code."


def _key(number: int) -> bytes:
    return f"nameplate:{number}".encode()


async def _limit(relay: Relay, request: Request, device: bytes, kind: str) -> None:
    ip = request.client.host if request.client else "?"
    since = relay.now() - protocol.ATTEMPTS_WINDOW_S
    mine, from_ip = await relay.db(relay.storage.pairing_attempts, device, ip, since)
    config = relay.config
    if mine >= config.pairings_per_hour_device or from_ip >= config.pairings_per_hour_ip:
        raise RateLimited("Too many pairing attempts in the last hour.", "Try again in an hour.")
    await relay.db(relay.storage.record_attempt, device, ip, kind, relay.now())


async def create(request: Request) -> Response:
    relay = relay_of(request)
    who = await relay.signed_write(request, await read_body(request, 0))
    await _limit(relay, request, who.device, "create")
    expires = relay.now() + min(relay.config.pairing_ttl_s, protocol.PAIRING_TTL_S)
    number = await relay.db(relay.storage.create_nameplate, who.device, relay.now(), expires)
    return JSONResponse({"nameplate": number, "expires_at": expires})


async def _find(relay: Relay, request: Request) -> Nameplate:
    """The code's slot while it lives, closed or not."""
    try:
        number = int(request.path_params["number"])
    except ValueError:
        raise InvalidInput("A pairing number is a whole number.") from None
    found = await relay.db(relay.storage.nameplate, number, relay.now())
    if found is None:
        raise NotFound(f"There is no pairing code {number} (it expired or never was).", NEW_CODE)
    return found


async def _open(relay: Relay, request: Request) -> Nameplate:
    """The code's slot, refused once either side closed it: no claim, no message after that."""
    found = await _find(relay, request)
    if found.closed:
        raise Gone(f"Pairing code {found.number} was used and is closed.", NEW_CODE)
    return found


async def claim(request: Request) -> Response:
    relay = relay_of(request)
    who = await relay.signed_write(request, await read_body(request, 0))
    await _limit(relay, request, who.device, "claim")
    slot = await _open(relay, request)
    if slot.creator == who.device:
        raise Conflict("A device cannot pair with itself.", "Type the code on the other device.")
    if slot.claimer != who.device and not await relay.db(
        relay.storage.claim_nameplate, slot.number, who.device, relay.now()
    ):
        raise Conflict(f"Pairing code {slot.number} was already used.", NEW_CODE)
    return JSONResponse({"nameplate": slot.number, "expires_at": slot.expires_at})


def _side_of(slot: Nameplate, device: bytes) -> str:
    if device == slot.creator:
        return "a"
    if device == slot.claimer:
        return "b"
    raise Forbidden("This device is not part of that pairing.", NEW_CODE)


def _where(request: Request) -> tuple[str, str]:
    side, phase = request.path_params["side"], request.path_params["phase"]
    if side not in SIDES or phase not in PHASES:
        raise NotFound(f"No pairing message {side}/{phase}.")
    return side, phase


async def put_message(request: Request) -> Response:
    relay = relay_of(request)
    body = await read_body(request, protocol.MAX_PAIRING_BYTES)
    who = await relay.signed_write(request, body)
    slot = await _open(relay, request)
    side, phase = _where(request)
    if _side_of(slot, who.device) != side:
        raise Forbidden(f"This device may not write side {side} of the pairing.")
    if not await relay.db(relay.storage.put_pairing_message, slot.number, side, phase, body):
        stored = await relay.db(relay.storage.pairing_message, slot.number, side, phase)
        if stored != body:
            raise Conflict(f"The {phase} message of side {side} was already sent.", NEW_CODE)
    relay.wake(_key(slot.number))
    return JSONResponse({"ok": True})


async def get_message(request: Request) -> Response:
    """The other side's message, waiting up to `wait` s for it. Once the code is closed, what
    was written before stays readable (the side that reads last still finishes); a message
    that never came then never will (Gone: the other side gave up)."""
    relay = relay_of(request)
    who = await relay.signed(request, b"")
    slot = await _find(relay, request)
    side, phase = _where(request)
    if _side_of(slot, who.device) == side:
        raise Forbidden("A device reads the other side's messages, not its own.")
    wait = _wait_of(request.query_params.get("wait", "0") or "0")
    deadline = relay.now() + wait
    while True:
        body = await relay.db(relay.storage.pairing_message, slot.number, side, phase)
        if body is not None:
            return Response(body, media_type="application/octet-stream")
        if slot.closed:
            raise Gone(f"Pairing code {slot.number} was closed by the other side.", NEW_CODE)
        left = deadline - relay.now()
        if left <= 0:
            return Response(status_code=204)
        await relay.waiters.wait([_key(slot.number)], min(left, 1.0))
        slot = await _find(relay, request)


def _wait_of(text: str) -> float:
    try:
        wait = float(text)
    except ValueError:
        wait = -1.0
    if not 0 <= wait < float("inf"):
        raise InvalidInput(f"`wait` must be a number of seconds >= 0, not {text[:20]!r}.")
    return min(wait, protocol.MAX_WAIT_S)


async def close(request: Request) -> Response:
    relay = relay_of(request)
    who = await relay.signed_write(request, await read_body(request, 0))
    slot = await _find(relay, request)
    side = _side_of(slot, who.device)
    await relay.db(relay.storage.close_nameplate, slot.number, side)
    relay.wake(_key(slot.number))
    return JSONResponse({"closed": slot.number})


def routes() -> list[BaseRoute]:
    one = "/v1/pairing/{number}"
    return [
        Route("/v1/pairing", create, methods=["POST"]),
        Route(one + "/claim", claim, methods=["POST"]),
        Route(one + "/{side}/{phase}", put_message, methods=["PUT"]),
        Route(one + "/{side}/{phase}", get_message, methods=["GET"]),
        Route(one, close, methods=["DELETE"]),
    ]
