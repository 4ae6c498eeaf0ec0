"""The web app's pages: each module pairs library calls with templates (no logic of its own).

What every page shares lives here: the templates, `page` (a page and its JSON twin from one
data function), `render`, `back` (post/redirect/get) and the store of the request.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Undefined
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.templating import Jinja2Templates

from tarry.base import clock
from tarry.store import Store
from tarry.web.cache import PageCache
from tarry.web.security import Guard
from tarry.web.words import STEPS

TEMPLATES = Path(__file__).parent.parent / "templates"


class PrintedUndefined(Undefined):
    """A name that is not there may be tested (`{% if x.y %}`), never printed or looped over:
    a misspelt name is an error, not an empty space on the page."""

    __str__ = Undefined._fail_with_undefined_error
    __iter__ = Undefined._fail_with_undefined_error
    __len__ = Undefined._fail_with_undefined_error


templates = Jinja2Templates(directory=str(TEMPLATES))  # autoescapes by default
templates.env.undefined = PrintedUndefined
templates.env.filters["hours"] = clock.hours_text  # one format for hours on every screen
templates.env.globals["steps"] = STEPS  # a next step the library names, as a link

Handler = Callable[[Request, Store], dict[str, Any]]


def percent(share: float | None) -> str:
    """A share between 0 and 1 as a whole percentage; '–' when there is none."""
    return "–" if share is None else f"{share * 100:.0f}%"


def depth(mean: float | None) -> str:
    """A mean disclosure depth (0 none .. 3 feeling) to two places; '–' when there is none."""
    return "–" if mean is None else f"{mean:.2f}"


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store_for(request)
    return store


def back(path: str, note: str = "done") -> RedirectResponse:
    """Post/redirect/get: a write always ends in a redirect to a page."""
    joiner = "&" if "?" in path else "?"
    return RedirectResponse(f"{path}{joiner}saved={note}", status_code=303)


def wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json")


def base_context(request: Request) -> dict[str, Any]:
    guard: Guard = request.app.state.config.guard
    session = request.scope.get("state", {}).get("session")
    return {"csrf": guard.csrf_for(session), "path": request.url.path}


def page(path: str, template: str, data: Handler, *, fresh: str = "day") -> list[BaseRoute]:
    """A page and its JSON twin at the same path + `.json`, served from one data function.

    The data is computed in a worker thread (a slow page never blocks the others) and cached
    until the data changes (see web/cache.py); `fresh="minute"` for pages about "now".
    """

    def computed(request: Request) -> dict[str, Any]:
        store = store_of(request)
        key = (template, tuple(sorted(request.path_params.items())), str(request.query_params))
        cache: PageCache = request.app.state.pages
        return cache.get(key, store, lambda: data(request, store), fresh)

    async def html(request: Request) -> Response:
        return render(request, template, await run_in_threadpool(computed, request))

    async def as_json(request: Request) -> Response:
        return JSONResponse(jsonable(await run_in_threadpool(computed, request)))

    twin = (path.rstrip("/") or "/today") + ".json"
    # The twin goes first: "/people/{name}" would otherwise also match "/people/Sam.json".
    return [Route(twin, as_json, methods=["GET"]), Route(path, html, methods=["GET"])]


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    return templates.TemplateResponse(
        request, template, {**base_context(request), **context}, status_code=status_code
    )


def jsonable(value: Any) -> Any:
    """Library objects to plain JSON: dataclasses with to_dict(), lists, dicts."""
    if hasattr(value, "to_dict"):
        return jsonable(value.to_dict())
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


templates.env.filters["percent"] = percent  # shares as people read them: 19%, as the CLI says
templates.env.filters["depth"] = depth
