"""Rituals (timed check-ins for two) and staying cards (for the urge to redirect or fix)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from tarry.declare import people
from tarry.prompts import rituals, staying
from tarry.store import Store
from tarry.web.forms import Form, Input, integer, number, text
from tarry.web.pages import back, page, posted, store_of

RATINGS = ("intimacy", "i_disclosed", "they_disclosed", "pleasantness", "satisfaction")


def rituals_page(request: Request, store: Store) -> dict[str, Any]:
    return {"rituals": [rituals.to_dict(r) for r in rituals.rituals()]}


def ritual_page(request: Request, store: Store) -> dict[str, Any]:
    ritual = rituals.get(request.path_params["id"])
    other = request.query_params.get("with", "").strip()
    person = people.get(store, other) if other else None
    minutes = request.query_params.get("minutes", "").strip()
    turns = rituals.plan(
        ritual,
        minutes=float(minutes) if minutes else None,
        other=person.name if person else rituals.OTHER,
    )
    return {
        "ritual": rituals.to_dict(ritual, turns),
        "person": person.name if person else "",
        "people": people.all_people(store),
    }


RITUAL = Form(
    "ritual",
    "/rituals",
    {
        "person": Input("with", "With"),
        "minutes": Input("minutes", "Minutes it took"),
        "note": Input("note", "Note"),
    },
)


async def log_ritual(request: Request, form: FormData) -> Response:
    store = store_of(request)
    ritual = rituals.get(request.path_params["id"])
    person = people.get(store, text(form, "with"))
    ratings = rituals.Ratings(
        **{name: integer(form, name, 4) for name in RATINGS},
        disclosure=text(form, "disclosure", "feeling") or "feeling",
    )
    minutes = int(number(form, "minutes") or ritual.minutes)
    rituals.log(store, ritual, person, minutes=minutes, ratings=ratings, note=text(form, "note"))
    return back("/", "ritual")


def stay_page(request: Request, store: Store) -> dict[str, Any]:
    urge = request.query_params.get("urge") or None
    return {
        "urges": staying.urges(),
        "card": staying.card(urge).to_dict() if urge else None,
        "cards": [c.to_dict() for c in staying.cards()] if not urge else [],
    }


def routes() -> list[BaseRoute]:
    return [
        *page("/rituals", "rituals.html", rituals_page),
        *page("/rituals/{id:str}", "ritual.html", ritual_page),
        posted("/rituals/{id:str}/log", RITUAL, log_ritual),
        *page("/stay", "stay.html", stay_page),
    ]
