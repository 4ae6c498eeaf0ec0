"""Together in the browser: pair by code, answer then reveal, check in, share time."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from tarry.base import clock
from tarry.prompts import rituals
from tarry.reflect.moments import parse_duration
from tarry.store import Store
from tarry.together import checkins, nudges, pairing, pairs, rounds, shared_time, sync
from tarry.web.forms import checked_form, integer, many, number, text
from tarry.web.jobs import Job
from tarry.web.pages import back, page, render, store_of
from tarry.web.pages.imports import jobs_of


def overview(request: Request, store: Store) -> dict[str, Any]:
    return {
        "relay": pairs.relay_url(store) or "",
        "pairs": [p.to_dict() for p in pairs.all_pairs(store)],
        "nudges": [n.to_dict() for n in nudges.nudges(store)],
    }


def pair_page(request: Request, store: Store) -> dict[str, Any]:
    pair = pairs.get(store, request.path_params["name"])
    return {
        "pair": pair.to_dict(),
        "rounds": [r.to_dict() for r in rounds.for_pair(store, pair)],
        "checkins": [c.to_dict() for c in checkins.for_pair(store, pair)],
        "time": [t.to_dict() for t in shared_time.for_pair(store, pair)],
        "rituals": [{"id": r.id, "title": r.title} for r in rituals.rituals()],
        "nudges": [n.to_dict() for n in nudges.nudges(store) if n.person == pair.person],
    }


def round_page(request: Request, store: Store) -> dict[str, Any]:
    found = rounds.get(store, request.path_params["id"])
    return {"round": found.to_dict()}


def checkin_page(request: Request, store: Store) -> dict[str, Any]:
    return {"checkin": checkins.get(store, request.path_params["id"]).to_dict()}


async def pairing_page(request: Request) -> Response:
    """The code and how pairing goes: never cached, the job changes outside the store."""
    job = jobs_of(request).get(request.path_params["job"])
    if request.url.path.endswith(".json"):
        return JSONResponse(job.to_dict())
    return render(request, "together_pairing.html", {"job": job.to_dict()})


# Writes ---------------------------------------------------------------------------------------


def _sent(store: Store) -> None:
    sync.try_send(store, timeout=3.0)


async def set_relay(request: Request) -> Response:
    form = await checked_form(request)
    pairs.set_relay(store_of(request), text(form, "relay"))
    return back("/together", "relay")


async def start_pairing(request: Request) -> Response:
    """Show a code now; wait for the other person in the background (ten minutes at most)."""
    form = await checked_form(request)
    store, name = store_of(request), text(form, "with")
    relation = text(form, "relation", "partner") or "partner"
    pairs.check_free(store, name)
    client = pairs.client_for(store)
    invitation = pairing.invite(client)
    config = request.app.state.config

    def work(job: Job) -> dict[str, Any]:
        from tarry.web.config import open_store

        with open_store(config) as own:
            paired = pairing.finish_invitation(client, invitation)
            kept = pairs.keep(own, client, paired, name, relation)
        return {"person": kept.person, "safety": kept.safety, "code": invitation.code.text}

    job = jobs_of(request).start("pairing", invitation.code.text, work)
    return RedirectResponse(f"/together/pairing/{job.id}", status_code=303)


async def join_pairing(request: Request) -> Response:
    form = await checked_form(request)
    store, name = store_of(request), text(form, "with")
    code = pairing.parse_code(text(form, "code"))
    pairs.check_free(store, name)
    client = pairs.client_for(store)
    kept = pairs.keep(
        store,
        client,
        pairing.accept(client, code),
        name,
        text(form, "relation", "partner") or "partner",
    )
    return back(f"/together/{kept.person}", "paired")


async def unpair(request: Request) -> Response:
    await checked_form(request)
    pairs.unpair(store_of(request), request.path_params["name"])
    return back("/together", "unpaired")


async def ask(request: Request) -> Response:
    form = await checked_form(request)
    store = store_of(request)
    pair = pairs.get(store, request.path_params["name"])
    if text(form, "depth"):
        rounds.set_depth(store, pair, integer(form, "depth", pair.depth_mine))
        pair = pairs.get(store, pair.person)
    found = rounds.open_round(store, pair, text(form, "prompt") or None)
    _sent(store)
    return back(f"/together/rounds/{found.round_id}", "asked")


async def answer(request: Request) -> Response:
    form = await checked_form(request)
    store = store_of(request)
    found = rounds.get(store, request.path_params["id"])
    rounds.answer(store, pairs.get(store, found.person), found.round_id, text(form, "answer"))
    _sent(store)
    return back(f"/together/rounds/{found.round_id}", "answered")


async def reply(request: Request) -> Response:
    form = await checked_form(request)
    store = store_of(request)
    found = rounds.get(store, request.path_params["id"])
    rounds.reply(store, pairs.get(store, found.person), found.round_id, text(form, "reply"))
    _sent(store)
    return back(f"/together/rounds/{found.round_id}", "replied")


async def seen(request: Request) -> Response:
    await checked_form(request)
    rounds.mark_seen(store_of(request), request.path_params["id"])
    return back(f"/together/rounds/{request.path_params['id']}", "seen")


async def start_checkin(request: Request) -> Response:
    form = await checked_form(request)
    store = store_of(request)
    pair = pairs.get(store, request.path_params["name"])
    found = checkins.start(
        store,
        pair,
        text(form, "ritual", "checkin"),
        minutes=number(form, "minutes"),
        first=text(form, "first", "me"),
    )
    _sent(store)
    return back(f"/together/checkins/{found.checkin_id}", "started")


async def rate_checkin(request: Request) -> Response:
    form = await checked_form(request)
    store = store_of(request)
    found = checkins.get(store, request.path_params["id"])
    checkins.rate(
        store,
        pairs.get(store, found.person),
        found.checkin_id,
        heard=integer(form, "heard", 4),
        intimacy=integer(form, "intimacy", 4),
        note=text(form, "note"),
    )
    _sent(store)
    return back(f"/together/checkins/{found.checkin_id}", "rated")


async def propose(request: Request) -> Response:
    form = await checked_form(request)
    store = store_of(request)
    start = text(form, "start")
    shared_time.propose(
        store,
        pairs.get(store, request.path_params["name"]),
        text(form, "title"),
        every=text(form, "every") or None,
        start=clock.parse(start) if start else None,
        duration_min=parse_duration(text(form, "duration", "1h") or "1h"),
        practices=many(form, "practice") or None,
        note=text(form, "note"),
    )
    _sent(store)
    return back(f"/together/{request.path_params['name']}", "proposed")


async def answer_time(request: Request) -> Response:
    form = await checked_form(request)
    store = store_of(request)
    pair = pairs.get(store, request.path_params["name"])
    act = shared_time.accept if text(form, "answer") == "accept" else shared_time.decline
    act(store, pair, request.path_params["proposal"])
    _sent(store)
    return back(f"/together/{pair.person}", "time")


async def sync_now(request: Request) -> Response:
    form = await checked_form(request)
    sync.sync(store_of(request), timeout=5.0)
    return back(text(form, "next", "/together") or "/together", "synced")


def routes() -> list[BaseRoute]:
    one = "/together/{name}"
    return [
        *page("/together", "together.html", overview, fresh="minute"),
        Route("/together/relay", set_relay, methods=["POST"]),
        Route("/together/pair", start_pairing, methods=["POST"]),
        Route("/together/join", join_pairing, methods=["POST"]),
        Route("/together/sync", sync_now, methods=["POST"]),
        Route("/together/pairing/{job}.json", pairing_page, methods=["GET"]),
        Route("/together/pairing/{job}", pairing_page, methods=["GET"]),
        *page("/together/rounds/{id:str}", "together_round.html", round_page, fresh="minute"),
        Route("/together/rounds/{id}/answer", answer, methods=["POST"]),
        Route("/together/rounds/{id}/reply", reply, methods=["POST"]),
        Route("/together/rounds/{id}/seen", seen, methods=["POST"]),
        *page("/together/checkins/{id:str}", "together_checkin.html", checkin_page, fresh="minute"),
        Route("/together/checkins/{id}/rate", rate_checkin, methods=["POST"]),
        *page(one, "together_pair.html", pair_page, fresh="minute"),
        Route(one + "/ask", ask, methods=["POST"]),
        Route(one + "/unpair", unpair, methods=["POST"]),
        Route(one + "/checkin", start_checkin, methods=["POST"]),
        Route(one + "/propose", propose, methods=["POST"]),
        Route(one + "/time/{proposal}", answer_time, methods=["POST"]),
    ]
