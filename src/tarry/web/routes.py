"""Every route of the web app. Each page is a data function over the library plus a template."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from tarry import people
from tarry.store import Store
from tarry.web.app import page
from tarry.web.forms import checked_form, many, number, text


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store_for(request)
    return store


def back(path: str, note: str = "") -> RedirectResponse:
    """Post/redirect/get: a write always ends in a redirect to a page."""
    return RedirectResponse(path + (f"?saved={note}" if note else ""), status_code=303)


# -- People -------------------------------------------------------------------------------------


def people_page(request: Request, store: Store) -> dict[str, Any]:
    return {"people": people.all_people(store), "relations": people.RELATIONS}


def person_page(request: Request, store: Store) -> dict[str, Any]:
    person = people.by_id(store, request.path_params["id"])
    return {"person": person}


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
    return back(f"/people/{person.id}", "added")


def all_routes() -> list[BaseRoute]:
    return [
        *page("/people", "people.html", people_page),
        Route("/people", people_add, methods=["POST"]),
        *page("/people/{id:int}", "person.html", person_page),
    ]


__all__ = ["all_routes", "many"]
