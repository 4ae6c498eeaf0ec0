"""Commitments: protected time, what is coming, and adding a new one."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from tarry.commit import commitments
from tarry.declare import people
from tarry.declare.practices import PRACTICES
from tarry.reflect import moments
from tarry.store import Store
from tarry.web.forms import checked_form, many, text
from tarry.web.pages import back, page, store_of


def commitments_page(request: Request, store: Store) -> dict[str, Any]:
    return {
        "commitments": commitments.all_commitments(store),
        "upcoming": commitments.upcoming(store, days=14),
        "unmarked": commitments.unmarked(store, days=14),
        "people": people.all_people(store),
        "practices": PRACTICES,
    }


async def add(request: Request) -> Response:
    form = await checked_form(request)
    commitments.add(
        store_of(request),
        text(form, "title"),
        every=text(form, "every") or None,
        rrule=text(form, "rrule") or None,
        duration_min=moments.parse_duration(text(form, "duration", "1h") or "1h"),
        people_names=many(form, "with"),
        practices=many(form, "practice"),
        note=text(form, "note"),
    )
    return back(text(form, "next", "/commitments") or "/commitments", "commitment")


def routes() -> list[BaseRoute]:
    return [
        *page("/commitments", "commitments.html", commitments_page),
        Route("/commitments", add, methods=["POST"]),
    ]
