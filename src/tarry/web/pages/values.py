"""Values: take the Valued Living Questionnaire and see the want/value gap over time."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from tarry.base.errors import InvalidInput
from tarry.declare import values
from tarry.store import Store
from tarry.web import charts
from tarry.web.forms import Form, Input, integer, text
from tarry.web.pages import back, just_changed, page, posted, store_of


def values_page(request: Request, store: Store) -> dict[str, Any]:
    trend = values.trend(store)
    profiles = trend.profiles
    labels = [p.taken_at.strftime("%d %b") for p in profiles]
    chart = None
    if profiles:
        chart = (
            charts.lines(
                "Want/value gap for closeness and composite/10, profile by profile (points)",
                labels,
                {
                    "closeness gap": [p.closeness_gap for p in profiles],
                    "composite / 10": [round(p.composite / 10, 2) for p in profiles],
                },
                top=10,
            )
            if len(profiles) > 1
            else None
        )
    return {
        "domains": values.DOMAINS,
        "latest": values.latest(store),
        "trend": trend,
        "gap_label": values.GAP_LABEL,
        "_chart": chart,
    }


VALUES = Form(
    "values",
    "/values",
    {
        **{
            f"ratings.{key}.{what}": Input(f"{key}_{what}", f"{label}: {what}")
            for key, label in values.DOMAINS.items()
            for what in ("importance", "consistency")
        },
        "note": Input("note", "Note"),
    },
)


async def take(request: Request, form: FormData) -> Response:
    """Record the questionnaire; sent back as it was shown (the last answers), save nothing."""
    ratings = {key: pair for key in values.DOMAINS if (pair := _rated(form, key)) is not None}
    store, note, after = store_of(request), text(form, "note"), text(form, "next") or "/values"
    if not note and values.unchanged(store, ratings) is not None:
        return back(after, "unchanged")
    values.record(store, ratings, note=note)
    return back(after, "values")


def _rated(form: FormData, key: str) -> tuple[int, int] | None:
    """One domain's answers; None when it does not apply or is left blank. A domain with one
    answer of the two needs the other."""
    if text(form, f"{key}_skip"):
        return None
    importance = integer(form, f"{key}_importance", 0)
    consistency = integer(form, f"{key}_consistency", 0)
    if not importance and not consistency:
        return None
    for what, value in (("importance", importance), ("consistency", consistency)):
        if not value:
            raise InvalidInput(
                f"{values.DOMAINS[key]}: the {what} is missing.",
                "Give both, or leave both blank.",
                field=f"ratings.{key}.{what}",
                expected="a whole number from 1 (not at all) to 10 (extremely)",
            )
    return importance, consistency


def profile_page(request: Request, store: Store) -> dict[str, Any]:
    return {"domains": values.DOMAINS, "latest": values.get(store, request.path_params["id"])}


async def change(request: Request, form: FormData) -> Response:
    store, profile_id = store_of(request), request.path_params["id"]
    ratings = {key: pair for key in values.DOMAINS if (pair := _rated(form, key)) is not None}
    values.edit(store, profile_id, ratings=ratings, note=text(form, "note"))
    return back(f"/values/{profile_id}", "changed", just_changed(store, "profile", profile_id))


async def delete(request: Request, form: FormData) -> Response:
    return back("/values", "deleted", values.remove(store_of(request), request.path_params["id"]))


EDIT = Form("values-edit", "/values", VALUES.inputs)
DELETE = Form("delete", "/values", {})


def routes() -> list[BaseRoute]:
    return [
        *page("/values", "values.html", values_page),
        posted("/values", VALUES, take),
        *page("/values/{id:int}", "profile.html", profile_page),
        posted("/values/{id:int}", EDIT, change),
        posted("/values/{id:int}/delete", DELETE, delete),
    ]
