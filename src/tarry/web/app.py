"""The ASGI app: routes, the store per worker thread, and the one error handler (errors.py)."""

from __future__ import annotations

import threading

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from tarry.store import Store
from tarry.web import routes
from tarry.web.cache import PageCache
from tarry.web.config import Config, open_store
from tarry.web.errors import HANDLED, render_error
from tarry.web.pages import TEMPLATES
from tarry.web.security import ASGIApp, GuardMiddleware, SecurityHeaders
from tarry.web.writes import OffLoop

__all__ = ["Config", "create_app"]

STATIC = TEMPLATES.parent / "static"


class Stores(threading.local):
    """One open store per worker thread: SQLite connections are not shared across threads."""

    store: Store | None = None


class App(Starlette):
    """Starlette with the security headers outermost: on every response, 500s included."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


def create_app(config: Config) -> Starlette:
    stores = Stores()

    def store_for(request: Request) -> Store:
        if stores.store is None:
            stores.store = open_store(config)
        return stores.store

    app = App(
        routes=[*routes.all_routes(), Mount("/static", StaticFiles(directory=STATIC))],
        middleware=[Middleware(GuardMiddleware, guard=config.guard), Middleware(OffLoop)],
        exception_handlers=dict.fromkeys(HANDLED, render_error),
    )
    app.state.config = config
    app.state.pages = PageCache()
    app.state.store_for = store_for
    return app
