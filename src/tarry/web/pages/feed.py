"""The subscribable calendar feed of protected time: read-only, behind its own token."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from tarry.base.errors import NotFound
from tarry.calendar import feed
from tarry.web.pages import store_of


async def calendar_feed(request: Request) -> Response:
    home = request.app.state.config.home.path
    if not feed.verify(home, request.path_params["token"]):
        raise NotFound("No such feed.", "Get the current address with `tarry calendar feed`.")
    body = feed.feed_ics(store_of(request))
    return Response(body, media_type="text/calendar; charset=utf-8")


def routes() -> list[BaseRoute]:
    return [Route(feed.FEED_PATH, calendar_feed, methods=["GET"])]
