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
from tarry.review import year
from tarry.store import Store
from tarry.web import charts
from tarry.web.pages import page


def review_page(request: Request, store: Store) -> dict[str, Any]:
    found = review.week(store, request.query_params.get("week") or None)
    start, end = clock.week_bounds(found.week)
    last_day = (end - timedelta(seconds=1)).date()
    practised = year.practice_year(store, min(last_day, clock.today()))
    return {
        "review": found,
        "previous": clock.iso_week(start - timedelta(days=7)),
        "next": clock.iso_week(start + timedelta(days=7)),
        "is_current": found.week == clock.iso_week(clock.today()),
        "year": practised,
        "first_week": first_week(store),
        "_charts": {
            **review_charts(found, values.history(store)),
            **calendar_chart(store, found, start),
            "year": charts.heatmap(
                f"Practice days, the year to {practised.end:%d %b %Y}: {practised.active_days}"
                " days with a practice",
                practised,
                what="practices",
            ),
        },
    }


def first_week(store: Store) -> dict[str, bool]:
    """What a first week needs, done or not: the empty review guides instead of blank charts."""
    return {
        "person": bool(store.scalar("SELECT 1 FROM people LIMIT 1")),
        "values": bool(store.scalar("SELECT 1 FROM value_profiles LIMIT 1")),
        "commitment": bool(store.scalar("SELECT 1 FROM commitments LIMIT 1")),
        "moment": bool(store.scalar("SELECT 1 FROM moments LIMIT 1")),
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
    labels = [w.week[-3:] for w in weeks]
    title = "Hours per week from your calendar: work and connection"
    return {"calendar": charts.lines(title, labels, series, unit="h")}


def review_charts(found: review.Review, profiles: list[values.Profile]) -> dict[str, Any]:
    """SVG charts for the page (HTML only: the JSON twin carries the numbers themselves); a chart
    with nothing to show is left out (the page says why instead)."""
    hours, made = found.hours, {}
    spent = {
        "moments": hours.in_moments,
        "kept": hours.in_kept_commitments,
        "traded": hours.traded_away,
        **({"work": found.calendar.hours.get("work", 0.0)} if found.calendar else {}),
    }
    if any(spent.values()):
        made["hours"] = charts.bars(
            "Hours this week: in moments, in kept commitments, traded away"
            + (", at work (calendar)" if found.calendar else ""),
            list(spent), {"hours": list(spent.values())},
            unit="h",
        )  # fmt: skip
    counts = {k: getattr(found.commitments, k) for k in ("kept", "traded", "skipped", "pending")}
    if any(counts.values()):
        made["commitments"] = charts.bars(
            "Commitments this week: kept, traded, skipped, not marked",
            ["kept", "traded", "skipped", "not marked"],
            {"occurrences": [float(v) for v in counts.values()]},
        )
    if found.practices and any(any(p.weekly) for p in found.practices):
        weekly = len(found.practices[0].weekly)
        made["practices"] = charts.lines(
            "Practice strength, week by week",
            [f"{i - weekly + 1}w" if i < weekly - 1 else "now" for i in range(weekly)],
            {p.practice: [round(v * 100) for v in p.weekly] for p in found.practices},
            top=100, unit="%",
        )  # fmt: skip
    trend = found.depth.trend
    if any(t.meaningfulness is not None for t in trend):
        made["depth"] = charts.lines(
            "Meaningfulness of moments per week (1 to 7)",
            [t.week[-3:] for t in trend],
            {"meaningfulness": [t.meaningfulness for t in trend]},
            top=7.0,
        )
    gaps = [p.closeness_gap for p in profiles]
    if len(profiles) > 1 and any(g is not None for g in gaps):
        made["gap"] = charts.lines(
            "Want/value gap for closeness, profile by profile (points, derived index)",
            [p.taken_at.strftime("%d %b") for p in profiles], {"closeness gap": gaps},
        )  # fmt: skip
    return made


def routes() -> list[BaseRoute]:
    return page("/review", "review.html", review_page)
