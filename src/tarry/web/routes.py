"""Every route of the web app, gathered from one module per page group under web/pages/."""

from __future__ import annotations

from starlette.routing import BaseRoute

from tarry.web.pages import (
    commitments,
    feed,
    imports,
    journal,
    login,
    moments,
    people,
    review,
    rituals,
    today,
    together,
    tradeoffs,
    undo,
    values,
    welcome,
)


def all_routes() -> list[BaseRoute]:
    found: list[BaseRoute] = []
    for module in (
        today,
        welcome,
        review,
        people,
        commitments,
        tradeoffs,
        values,
        journal,
        imports,
        feed,
        login,
        rituals,
        together,
        moments,
        undo,
    ):
        found += module.routes()
    return found
