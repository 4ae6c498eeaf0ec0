"""The weekly review with its charts; navigate week by week."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute

from tarry.base import clock
from tarry.calendar import audit
from tarry.declare import values
from tarry.review import week as review
from tarry.store import Store
from tarry.web import charts
from tarry.web.pages import page


def review_page(request: Request, store: Store) -> dict[str, Any]:
    found = review.week(store, request.query_params.get("week") or None)
    start, _ = clock.week_bounds(found.week)
    return {
        "review": found,
        "previous": clock.iso_week(start - timedelta(days=7)),
        "next": clock.iso_week(start + timedelta(days=7)),
        "is_current": found.week == clock.iso_week(clock.today()),
        "_charts": {
            **review_charts(found, values.history(store)),
            **calendar_chart(store, found, start),
        },
    }


def calendar_chart(store: Store, found: review.Review, start: datetime) -> dict[str, Any]:
    """Work vs connection vs the target, week by week, when a calendar is imported."""
    if found.calendar is None:
        return {}
    weeks = audit.trend(store, weeks=8, last=start)
    series: dict[str, list[float | None]] = {
        "work": [w.hours.get("work", 0.0) for w in weeks],
        "connection": [w.hours.get("connection", 0.0) for w in weeks],
    }
    if found.calendar.target_hours is not None:
        series["target (connection)"] = [w.target_hours for w in weeks]
    return {"calendar": charts.lines(
        "Hours per week from your calendar: work vs connection", [w.week[-3:] for w in weeks],
        series)}  # fmt: skip


def review_charts(found: review.Review, profiles: list[values.Profile]) -> dict[str, Any]:
    """SVG charts for the page (HTML only: the JSON twin carries the numbers themselves)."""
    hours = found.hours
    made = {
        "hours": charts.bars(
            "Hours this week: in connection vs traded away"
            + (" vs work" if found.calendar else ""),
            ["this week"],
            {
                "moments": [hours.in_moments],
                "kept commitments": [hours.in_kept_commitments],
                "traded away": [hours.traded_away],
                **(
                    {"work (calendar)": [found.calendar.hours.get("work", 0.0)]}
                    if found.calendar
                    else {}
                ),
            },
        ),
        "commitments": charts.bars(
            "Commitments: kept, traded, skipped, pending",
            ["kept", "traded", "skipped", "pending"],
            {
                "occurrences": [
                    float(getattr(found.commitments, k))
                    for k in ("kept", "traded", "skipped", "pending")
                ]
            },
        ),
    }
    if found.practices:
        weeks = [f"-{len(found.practices[0].weekly) - 1 - i}w" for i in
                 range(len(found.practices[0].weekly))]  # fmt: skip
        made["practices"] = charts.lines(
            "Practice strength over recent weeks (0-1)",
            weeks,
            {p.practice: p.weekly for p in found.practices},
            top=1.0,
        )
    trend = found.depth.trend
    if trend:
        made["depth"] = charts.lines(
            "Meaningfulness of moments per week (1-7)",
            [t.week[-3:] for t in trend],
            {"meaningfulness": [t.meaningfulness for t in trend]},
            top=7.0,
        )
    if profiles:
        made["gap"] = charts.lines(
            "Want/value gap for closeness across value profiles (derived index)",
            [p.taken_at.strftime("%d %b") for p in profiles],
            {"closeness gap": [p.closeness_gap for p in profiles]},
            top=9.0,
        )
    return made


def routes() -> list[BaseRoute]:
    return page("/review", "review.html", review_page)
