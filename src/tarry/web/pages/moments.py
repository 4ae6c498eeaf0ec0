"""One moment: change it or delete it (both undoable)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from tarry.declare import people
from tarry.declare.practices import PRACTICES
from tarry.reflect import moments
from tarry.store import Store
from tarry.web.forms import Form, many
from tarry.web.pages import back, just_changed, page, posted, store_of
from tarry.web.pages.today import LOG, RATINGS, moment_fields

MOMENT = Form("moment", "/today", LOG.inputs)
DELETE = Form("delete", "/today", {})


def moment_page(request: Request, store: Store) -> dict[str, Any]:
    return {
        "moment": moments.get(store, request.path_params["id"]),
        "people": people.all_people(store),
        "practices": PRACTICES,
        "media": moments.MEDIA,
        "initiators": moments.INITIATORS,
        "ratings": RATINGS,
    }


async def change(request: Request, form: FormData) -> Response:
    store, moment_id = store_of(request), request.path_params["id"]
    fields = moment_fields(form)
    moments.edit(store, moment_id, people_names=many(form, "with"), **fields)
    return back(f"/moments/{moment_id}", "changed", just_changed(store, "moment", moment_id))


async def delete(request: Request, form: FormData) -> Response:
    change = moments.remove(store_of(request), request.path_params["id"])
    return back("/today", "deleted", change)


def routes() -> list[BaseRoute]:
    return [
        *page("/moments/{id:int}", "moment.html", moment_page),
        posted("/moments/{id:int}", MOMENT, change),
        posted("/moments/{id:int}/delete", DELETE, delete),
    ]
