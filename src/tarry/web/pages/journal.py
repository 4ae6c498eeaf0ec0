"""Journal: write inner-life entries, read them back, search everything."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from tarry.prompts import inner
from tarry.reflect import journal
from tarry.store import Store, search
from tarry.web.forms import Form, Input, text
from tarry.web.pages import back, just_changed, page, posted, store_of


def journal_page(request: Request, store: Store) -> dict[str, Any]:
    words = request.query_params.get("q", "").strip()
    return {
        "entries": journal.all_entries(store)[:30],
        "q": words,
        "hits": search.search(store, words) if words else [],
        "suggestions": suggestions(store),
    }


def suggestions(store: Store) -> list[dict[str, Any]]:
    """Inner-life prompts that follow recent life, each with the reason it was chosen."""
    return [s.to_dict() for s in inner.suggest(store)][:3]


ENTRY = Form(
    "entry",
    "/journal",
    {
        "body": Input("body", "Entry"),
        "tags": Input("tags", "Tags"),
        "prompt": Input("prompt", "Prompt"),
    },
)


async def write(request: Request, form: FormData) -> Response:
    journal.write(
        store_of(request),
        text(form, "body"),
        prompt=text(form, "prompt"),
        tags=_tags(form),
    )
    return back("/journal", "entry")


def entry_page(request: Request, store: Store) -> dict[str, Any]:
    return {"entry": journal.get(store, request.path_params["id"]), "suggestions": []}


def _tags(form: FormData) -> list[str]:
    return [t for t in text(form, "tags").replace(",", " ").split() if t]


async def change(request: Request, form: FormData) -> Response:
    store, entry_id = store_of(request), request.path_params["id"]
    journal.edit(store, entry_id, body=text(form, "body"), prompt=text(form, "prompt"),
                 tags=_tags(form))  # fmt: skip
    return back(f"/journal/{entry_id}", "changed", just_changed(store, "entry", entry_id))


async def delete(request: Request, form: FormData) -> Response:
    return back("/journal", "deleted", journal.remove(store_of(request), request.path_params["id"]))


EDIT = Form("entry-edit", "/journal", ENTRY.inputs)
DELETE = Form("delete", "/journal", {})


def routes() -> list[BaseRoute]:
    return [
        *page("/journal", "journal.html", journal_page),
        posted("/journal", ENTRY, write),
        *page("/journal/{id:int}", "entry.html", entry_page),
        posted("/journal/{id:int}", EDIT, change),
        posted("/journal/{id:int}/delete", DELETE, delete),
    ]
