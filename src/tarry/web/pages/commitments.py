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
from tarry.web.pages import back, just_changed, page, posted, store_of


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


def commitment_page(request: Request, store: Store) -> dict[str, Any]:
    record = commitments.track_record(store, request.path_params["id"], weeks=12)
    return {
        "record": record,
        "recent": [o for o in record.occurrences if o.happened][-3:][::-1],
        "people": people.all_people(store),
        "practices": PRACTICES,
    }


async def change(request: Request, form: FormData) -> Response:
    store, cid = store_of(request), request.path_params["id"]
    commitments.edit(
        store, cid, title=text(form, "title"), every=text(form, "every") or None,
        duration_min=moments.parse_duration(text(form, "duration") or "1h"),
        people_names=many(form, "with"), practices=many(form, "practice"), note=text(form, "note"),
    )  # fmt: skip
    return back(f"/commitments/{cid}", "changed", just_changed(store, "commitment", cid))


async def end(request: Request, form: FormData) -> Response:
    store, cid = store_of(request), request.path_params["id"]
    commitments.end(store, cid)
    return back(f"/commitments/{cid}", "ended", just_changed(store, "commitment", cid))


async def delete(request: Request, form: FormData) -> Response:
    change = commitments.remove(store_of(request), request.path_params["id"])
    return back("/commitments", "deleted", change)


EDIT = Form("commit-edit", "/commitments", COMMIT.inputs)
DELETE = Form("delete", "/commitments", {})
END = Form("end", "/commitments", {})


def routes() -> list[BaseRoute]:
    return [
        *page("/commitments", "commitments.html", commitments_page),
        posted("/commitments", COMMIT, add),
        *page("/commitments/{id:int}", "commitment.html", commitment_page, fresh="minute"),
        posted("/commitments/{id:int}", EDIT, change),
        posted("/commitments/{id:int}/end", END, end),
        posted("/commitments/{id:int}/delete", DELETE, delete),
    ]
