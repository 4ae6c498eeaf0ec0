"""The ASGI app: routes, the store per worker thread, and the one error handler."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from tarry.base import clock
from tarry.base.errors import TarryError
from tarry.store import Store
from tarry.web.cache import PageCache
from tarry.web.security import ASGIApp, Guard, GuardMiddleware, SecurityHeaders
from tarry.web.writes import OffLoop

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))  # autoescapes by default
templates.env.filters["hours"] = clock.hours_text  # one format for hours on every screen


@dataclass
class Config:
    """What one launch of the web app works on."""

    home: Path | None
    guard: Guard
    key: bytes | None = None  # an encrypted store's data key, unlocked once at launch


class Stores(threading.local):
    """One open store per worker thread: SQLite connections are not shared across threads."""

    store: Store | None = None


class App(Starlette):
    """Starlette with the security headers outermost: on every response, 500s included."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


def create_app(config: Config) -> Starlette:
    from tarry.web import routes

    stores = Stores()

    def store_for(request: Request) -> Store:
        if stores.store is None:
            stores.store = open_store(config)
        return stores.store

    app = App(
        routes=[*routes.all_routes(), Mount("/static", StaticFiles(directory=HERE / "static"))],
        middleware=[Middleware(GuardMiddleware, guard=config.guard), Middleware(OffLoop)],
        exception_handlers={TarryError: render_error},
    )
    app.state.config = config
    app.state.pages = PageCache()
    app.state.store_for = store_for
    return app


def open_store(config: Config) -> Store:
    return Store.open(config.home, key=config.key)


def wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json")


async def render_error(request: Request, exc: Exception) -> Response:
    """Typed errors become a page (or JSON) with the error's HTTP status."""
    assert isinstance(exc, TarryError)
    body = {"error": exc.message, "hint": exc.hint or ""}
    if wants_json(request):
        return JSONResponse(body, status_code=exc.http_status)
    return templates.TemplateResponse(
        request, "error.html", {**base_context(request), **body}, status_code=exc.http_status
    )


def base_context(request: Request) -> dict[str, Any]:
    guard: Guard = request.app.state.config.guard
    session = request.scope.get("state", {}).get("session")
    return {"csrf": guard.csrf_for(session), "path": request.url.path}


Handler = Callable[[Request, Store], dict[str, Any]]


def page(path: str, template: str, data: Handler, *, fresh: str = "day") -> list[BaseRoute]:
    """A page and its JSON twin at the same path + `.json`, served from one data function.

    The data is computed in a worker thread (a slow page never blocks the others) and cached
    until the data changes (see web/cache.py); `fresh="minute"` for pages about "now".
    """
    from starlette.concurrency import run_in_threadpool
    from starlette.routing import Route

    def computed(request: Request) -> dict[str, Any]:
        store = request.app.state.store_for(request)
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


def render(request: Request, template: str, context: dict[str, Any]) -> Response:
    return templates.TemplateResponse(request, template, {**base_context(request), **context})


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
