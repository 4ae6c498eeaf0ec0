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
from tarry.web.pages import back, page, posted, store_of


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
        tags=[t for t in text(form, "tags").replace(",", " ").split() if t],
    )
    return back("/journal", "entry")


def routes() -> list[BaseRoute]:
    return [
        *page("/journal", "journal.html", journal_page),
        posted("/journal", ENTRY, write),
    ]
