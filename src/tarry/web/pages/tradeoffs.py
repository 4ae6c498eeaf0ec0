"""Tradeoffs: what was chosen over what, toward or away from closeness."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from tarry.declare.practices import PRACTICES
from tarry.reflect import tradeoffs
from tarry.store import Store
from tarry.web.forms import Form, Input, many, number, text
from tarry.web.pages import back, just_changed, page, posted, store_of


def tradeoffs_page(request: Request, store: Store) -> dict[str, Any]:
    found = tradeoffs.all_tradeoffs(store)
    return {
        "tradeoffs": found,
        "toward": sum(1 for t in found if t.direction == "toward"),
        "away": sum(1 for t in found if t.direction == "away"),
        "practices": PRACTICES,
    }


TRADEOFF = Form(
    "tradeoff",
    "/tradeoffs",
    {
        "chose": Input("chose", "I chose"),
        "over": Input("over", "over"),
        "direction": Input("direction", "Direction"),
        "cost_hours": Input("cost_hours", "Cost in hours"),
        "practices": Input("practice", "Practices it serves"),
        "at": Input("at", "When"),
    },
)


def fields(form: FormData) -> dict[str, Any]:
    return {
        "direction": text(form, "direction", "toward"),
        "cost_hours": number(form, "cost_hours"),
        "cost_note": text(form, "cost_note"),
        "practices": many(form, "practice"),
        "note": text(form, "note"),
    }


async def add(request: Request, form: FormData) -> Response:
    tradeoffs.record(store_of(request), text(form, "chose"), text(form, "over"), **fields(form))
    return back("/tradeoffs", "tradeoff")


def tradeoff_page(request: Request, store: Store) -> dict[str, Any]:
    return {"tradeoff": tradeoffs.get(store, request.path_params["id"]), "practices": PRACTICES}


async def change(request: Request, form: FormData) -> Response:
    store, tradeoff_id = store_of(request), request.path_params["id"]
    given = fields(form)
    tradeoffs.edit(store, tradeoff_id, chose=text(form, "chose"), over=text(form, "over"),
                   clear_cost=given["cost_hours"] is None, **given)  # fmt: skip
    return back(f"/tradeoffs/{tradeoff_id}", "changed",
                just_changed(store, "tradeoff", tradeoff_id))  # fmt: skip


async def delete(request: Request, form: FormData) -> Response:
    change = tradeoffs.remove(store_of(request), request.path_params["id"])
    return back("/tradeoffs", "deleted", change)


EDIT = Form("tradeoff-edit", "/tradeoffs", TRADEOFF.inputs)
DELETE = Form("delete", "/tradeoffs", {})


def routes() -> list[BaseRoute]:
    return [
        *page("/tradeoffs", "tradeoffs.html", tradeoffs_page),
        posted("/tradeoffs", TRADEOFF, add),
        *page("/tradeoffs/{id:int}", "tradeoff.html", tradeoff_page),
        posted("/tradeoffs/{id:int}", EDIT, change),
        posted("/tradeoffs/{id:int}/delete", DELETE, delete),
    ]
