"""What can be undone: the latest edits, deletions and marks, and undoing one."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from tarry.store import Store, undo
from tarry.web.forms import Form
from tarry.web.pages import back, page, posted, store_of

# Where each kind of thing is seen, by its id (an occurrence's is its commitment's).
PLACES = {
    "person": "/people/{}",
    "moment": "/moments/{}",
    "entry": "/journal/{}",
    "tradeoff": "/tradeoffs/{}",
    "commitment": "/commitments/{}",
    "occurrence": "/commitments/{}",
    "profile": "/values/{}",
    "date": "/people",
}
UNDO = Form("undo", "/undo", {})


def undo_page(request: Request, store: Store) -> dict[str, Any]:
    return {"changes": undo.recent(store, limit=50), "days": undo.UNDO_DAYS}


async def take_back(request: Request, form: FormData) -> Response:
    undone = undo.undo(store_of(request), request.path_params["id"])
    return back(PLACES[undone.change.kind].format(undone.ref), "undone")


async def forget(request: Request, form: FormData) -> Response:
    undo.forget_all(store_of(request))
    return back("/undo", "forgotten")


def routes() -> list[BaseRoute]:
    return [
        *page("/undo", "undo.html", undo_page, fresh="minute"),
        posted("/undo/{id:int}", UNDO, take_back),
        posted("/undo/forget", UNDO, forget),
    ]
