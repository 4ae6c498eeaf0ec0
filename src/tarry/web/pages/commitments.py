"""Commitments: protected time, what is coming, and adding a new one."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from tarry.commit import commitments
from tarry.declare import people
from tarry.declare.practices import PRACTICES
from tarry.reflect import moments
from tarry.store import Store
from tarry.web.forms import Form, Input, many, text
from tarry.web.pages import back, page, posted, store_of


def commitments_page(request: Request, store: Store) -> dict[str, Any]:
    return {
        "commitments": commitments.all_commitments(store),
        "upcoming": commitments.upcoming(store, days=14),
        "unmarked": commitments.unmarked(store, days=14),
        "people": people.all_people(store),
        "practices": PRACTICES,
    }


COMMIT = Form(
    "commit",
    "/commitments",
    {
        "title": Input("title", "What"),
        "every": Input("every", "Every"),
        "duration_min": Input("duration", "For how long"),
        "people_names": Input("with", "With"),
        "practices": Input("practice", "Practices it serves"),
        "note": Input("note", "Note"),
    },
)


async def add(request: Request, form: FormData) -> Response:
    commitments.add(
        store_of(request),
        text(form, "title"),
        every=text(form, "every") or None,
        rrule=text(form, "rrule") or None,
        duration_min=moments.parse_duration(text(form, "duration") or "1h"),
        people_names=many(form, "with"),
        practices=many(form, "practice"),
        note=text(form, "note"),
    )
    return back(text(form, "next", "/commitments") or "/commitments", "commitment")


def routes() -> list[BaseRoute]:
    return [
        *page("/commitments", "commitments.html", commitments_page),
        posted("/commitments", COMMIT, add),
    ]
