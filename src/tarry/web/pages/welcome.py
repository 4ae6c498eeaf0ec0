"""Onboarding on first run: what tarry is, the six practices, values, a first commitment."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute

from tarry.commit import commitments
from tarry.declare import people, values
from tarry.declare.practices import PRACTICES
from tarry.store import Store
from tarry.web.pages import page


def welcome_page(request: Request, store: Store) -> dict[str, Any]:
    return {
        "practices": PRACTICES,
        "domains": values.DOMAINS,
        "people": people.all_people(store),
        "relations": people.RELATIONS,
        "has_values": values.latest(store) is not None,
        "latest": values.latest(store),
        "has_commitment": bool(commitments.all_commitments(store)),
    }


def routes() -> list[BaseRoute]:
    return page("/welcome", "welcome.html", welcome_page)
