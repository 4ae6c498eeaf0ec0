"""People: the list, one person's page, adding someone."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from tarry import moments, people, strength
from tarry.store import Store
from tarry.web.app import page
from tarry.web.forms import checked_form, number, text
from tarry.web.pages import back, store_of


def people_page(request: Request, store: Store) -> dict[str, Any]:
    scores = {s.name: s for s in strength.people(store)}
    return {
        "people": people.all_people(store),
        "strengths": scores,
        "drifting": strength.drifting(store),
        "relations": people.RELATIONS,
    }


def person_page(request: Request, store: Store) -> dict[str, Any]:
    person = people.by_id(store, request.path_params["id"])
    scores = {s.name: s for s in strength.people(store)}
    return {
        "person": person,
        "strength": scores.get(person.name),
        "moments": moments.all_moments(store, person=person.name, limit=20),
    }


async def people_add(request: Request) -> Response:
    form = await checked_form(request)
    person = people.add(
        store_of(request),
        text(form, "name"),
        relation=text(form, "relation", "friend"),
        cadence_days=number(form, "cadence_days"),
        aliases=[a.strip() for a in text(form, "aliases").split(",")],
        note=text(form, "note"),
    )
    return back(text(form, "next") or f"/people/{person.id}", "added")


def routes() -> list[BaseRoute]:
    return [
        *page("/people", "people.html", people_page),
        Route("/people", people_add, methods=["POST"]),
        *page("/people/{id:int}", "person.html", person_page),
    ]
