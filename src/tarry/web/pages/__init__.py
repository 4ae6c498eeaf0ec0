"""The web app's pages: each module pairs library calls with templates (no logic of its own).

What every page shares lives here: the templates, `page` (a page and its JSON twin from one
data function), `posted` (a form's POST: redirect when done, the form drawn again when refused),
`render`, `back` (post/redirect/get) and the store of the request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from jinja2 import Undefined
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Match, Route
from starlette.templating import Jinja2Templates

from tarry.base import clock
from tarry.base.errors import NotFound, TarryError
from tarry.base.textcharts import plural
from tarry.store import Store
from tarry.store import undo as undo_log
from tarry.store.undo import Change
from tarry.web.cache import PageCache
from tarry.web.forms import Form, Refill, checked_form, text
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
Action = Callable[[Request, FormData], Awaitable[Response]]
FormId = Callable[[Request, FormData], str]

# Every page by its path, so a refused form can draw again the page it was posted from.
PAGES: dict[str, tuple[Route, str, Handler]] = {}


def percent(share: float | None) -> str:
    """A share between 0 and 1 as a whole percentage; '–' when there is none."""
    return "–" if share is None else f"{share * 100:.0f}%"


def depth(mean: float | None) -> str:
    """A mean disclosure depth (0 none .. 3 feeling) to two places; '–' when there is none."""
    return "–" if mean is None else f"{mean:.2f}"


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store_for(request)
    return store


def back(path: str, note: str = "done", change: Change | None = None) -> RedirectResponse:
    """Post/redirect/get: a write always ends in a redirect to a page; a `change` that can be
    undone is offered there (base.html)."""
    joiner = "&" if "?" in path else "?"
    offer = f"&undo={change.id}" if change is not None else ""
    return RedirectResponse(f"{path}{joiner}saved={note}{offer}", status_code=303)


def just_changed(store: Store, kind: str, ref: int) -> Change | None:
    """The change just made to this thing, to offer undoing it (None: nothing changed)."""
    found = undo_log.recent(store, limit=1)
    return found[0] if found and (found[0].kind, found[0].ref) == (kind, ref) else None


def undoable(request: Request) -> Change | None:
    """The change named by the address's `undo`, while it can still be undone."""
    wanted = request.query_params.get("undo", "")
    if not wanted.isdigit():
        return None
    try:
        return undo_log.get(store_of(request), int(wanted))
    except NotFound:
        return None


def wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json")


def base_context(request: Request) -> dict[str, Any]:
    guard: Guard = request.app.state.config.guard
    session = request.scope.get("state", {}).get("session")
    return {
        "csrf": guard.csrf_for(session),
        "path": request.url.path,
        "refill": None,
        "undoable": undoable(request),
    }


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
    route = Route(path, html, methods=["GET"])
    PAGES[path] = (route, template, data)
    return [Route(twin, as_json, methods=["GET"]), route]


def posted(path: str, form: Form, act: Action, *, form_id: FormId | None = None) -> Route:
    """A form's POST route: `act` does the work and redirects (post/redirect/get). When the
    library refuses what was sent, the page the form was on is drawn again, the error beside the
    input at fault in the form's words, and everything typed kept (status: the error's).
    `form_id` names one form among several of a kind on a page (an occurrence's, say)."""

    async def endpoint(request: Request) -> Response:
        data = await checked_form(request)
        request.scope.setdefault("state", {})["form"] = form  # the busy page says its labels
        try:
            return await act(request, data)
        except TarryError as exc:
            which = form_id(request, data) if form_id else form.id
            return await redraw(request, form, Refill.of(form, which, exc, data), data)

    return Route(path, endpoint, methods=["POST"])


async def redraw(request: Request, form: Form, refill: Refill, data: FormData) -> Response:
    """The page the form was posted from (its `_page`), else the form's own, with `refill`."""
    found = _page_at(text(data, "_page")) or _page_at(form.page)
    if found is None:
        raise RuntimeError(f"{form.id}: no page at {form.page}")  # a wiring mistake: a bug
    template, compute, scope = found
    page_request = Request({**request.scope, **scope}, request.receive)
    context = await run_in_threadpool(compute, page_request, store_of(request))
    return render(page_request, template, {**context, "refill": refill}, refill.error.status)


def _page_at(address: str) -> tuple[str, Handler, dict[str, Any]] | None:
    """The page drawn at a local address ('/people/3?x=1'): template, data, request scope."""
    path, _, query = address.partition("?")
    if not path.startswith("/") or path.startswith("//"):
        return None  # only this app's own pages
    path = "/today" if path == "/" else path
    scope = {"type": "http", "path": path, "method": "GET"}
    for route, template, compute in PAGES.values():
        match, child = route.matches(scope)
        if match == Match.FULL:
            found = {"method": "GET", "path": path, "raw_path": path.encode(),
                     "query_string": query.encode(), **child}  # fmt: skip
            return template, compute, found
    return None


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
templates.env.filters["plural"] = plural  # '1 file', '3 files', never 'file(s)'
