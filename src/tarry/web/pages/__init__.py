"""The web app's pages: each module pairs library calls with templates (no logic of its own)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse

from tarry.store import Store


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store_for(request)
    return store


def back(path: str, note: str = "done") -> RedirectResponse:
    """Post/redirect/get: a write always ends in a redirect to a page."""
    joiner = "&" if "?" in path else "?"
    return RedirectResponse(f"{path}{joiner}saved={note}", status_code=303)
