"""Values: take the Valued Living Questionnaire and see the want/value gap over time."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from tarry.declare import values
from tarry.store import Store
from tarry.web import charts
from tarry.web.forms import checked_form, integer, text
from tarry.web.pages import back, page, store_of


def values_page(request: Request, store: Store) -> dict[str, Any]:
    trend = values.trend(store)
    profiles = trend.profiles
    labels = [p.taken_at.strftime("%d %b") for p in profiles]
    chart = None
    if profiles:
        chart = charts.lines(
            "Closeness gap (importance minus consistency) and composite/10 over time",
            labels,
            {
                "closeness gap": [p.closeness_gap for p in profiles],
                "composite / 10": [round(p.composite / 10, 2) for p in profiles],
            },
            top=10,
        )
    return {
        "domains": values.DOMAINS,
        "latest": values.latest(store),
        "trend": trend,
        "gap_label": values.GAP_LABEL,
        "_chart": chart,
    }


async def take(request: Request) -> Response:
    form = await checked_form(request)
    ratings = {}
    for key in values.DOMAINS:
        if text(form, f"{key}_skip"):
            continue
        ratings[key] = (
            integer(form, f"{key}_importance", 5),
            integer(form, f"{key}_consistency", 5),
        )
    values.record(store_of(request), ratings, note=text(form, "note"))
    return back(text(form, "next", "/values") or "/values", "values")


def routes() -> list[BaseRoute]:
    return [
        *page("/values", "values.html", values_page),
        Route("/values", take, methods=["POST"]),
    ]
