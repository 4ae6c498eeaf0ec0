"""People: the list, one person's page, adding someone."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from tarry.base import clock
from tarry.declare import important_dates, people
from tarry.mirror.person_report import PersonReport, person_report
from tarry.reflect import moments
from tarry.review import strength, timeline, year
from tarry.store import Store
from tarry.web import charts
from tarry.web.forms import Form, Input, number, text
from tarry.web.pages import back, just_changed, page, posted, store_of

WEEKS = 12


def people_page(request: Request, store: Store) -> dict[str, Any]:
    scores = {s.name: s for s in strength.people(store)}
    return {
        "people": people.all_people(store),
        "strengths": scores,
        "drifting": {d.name: d for d in strength.drifting(store)},
        "dates": important_dates.upcoming(store, days=31),
        "today": clock.today(),
        "relations": people.RELATIONS,
    }


def person_page(request: Request, store: Store) -> dict[str, Any]:
    person = people.by_id(store, request.path_params["id"])
    scores = {s.person_id: s for s in strength.people(store)}
    weekly = strength_series(store, person)
    has_chats = bool(store.scalar("SELECT 1 FROM conversations WHERE person_id = ?", (person.id,)))
    report = person_report(store, person.name, by="month") if has_chats else None
    contact = year.contact_year(store, person.id)
    score = scores.get(person.id)
    return {
        "person": person,
        "strength": score,
        "weekly_strength": weekly,
        "moments": moments.all_moments(store, person=person.name, limit=20),
        "timeline": timeline.timeline(store, person),
        "dates": important_dates.of_person(store, person.id),
        "today": clock.today(),
        "year": contact,
        "mirror": report,
        "relations": people.RELATIONS,
        "_charts": person_charts(person, weekly, report, contact, score),
    }


def strength_series(store: Store, person: people.Person, weeks: int = WEEKS) -> list[float]:
    """The person's strength at the end of each of the last `weeks` weeks, oldest first."""
    today = clock.today()
    days = [date.fromordinal(d) for d in strength.contact_days(store, today).get(person.id, [])]
    target = strength.person_target(person.cadence_days)
    return [
        round(v, 3) for v in strength.scores(days, target, strength.weekly_samples(today, weeks))
    ]


def person_charts(
    person: people.Person,
    weekly: list[float],
    report: PersonReport | None,
    contact: year.Year,
    score: strength.PersonStrength | None,
) -> dict[str, Any]:
    labels = [
        f"{i - len(weekly) + 1}w" if i < len(weekly) - 1 else "now" for i in range(len(weekly))
    ]
    made: dict[str, Any] = {}
    if score is not None:
        change = score.score - score.score_before
        made["ring"] = charts.ring(
            f"Strength of contact with {person.name}: {score.score * 100:.0f}%,"
            f" {change * 100:+.0f} points in {strength.FALLING_LOOKBACK_DAYS} days",
            score.score, change,
        )  # fmt: skip
    if any(weekly):
        made["strength"] = charts.lines(
            f"Strength of contact with {person.name}, week by week", labels,
            {"strength": [round(v * 100) for v in weekly]}, top=100, unit="%",
        )  # fmt: skip
    made["year"] = charts.heatmap(
        f"Days in touch with {person.name}, the year to {contact.end:%d %b %Y}:"
        f" {contact.active_days} days", contact, what="contacts",
    )  # fmt: skip
    if report and report.periods:
        periods = report.periods[-12:]
        made["depth"] = charts.lines(
            "Mean disclosure depth per month, each way (0 none to 3 feeling)",
            [p.period for p in periods],
            {side: [p.numbers.depth.of(side).mean for p in periods] for side in ("me", "them")},
            top=3.0,
        )
    return made


PERSON = Form(
    "person",
    "/people",
    {
        "name": Input("name", "Name"),
        "relation": Input("relation", "Relation"),
        "cadence_days": Input("cadence_days", "Be in touch every (days)"),
        "aliases": Input("aliases", "Also called"),
        "note": Input("note", "Note"),
    },
)


async def people_add(request: Request, form: FormData) -> Response:
    person = people.add(
        store_of(request),
        text(form, "name"),
        relation=text(form, "relation", "friend"),
        cadence_days=number(form, "cadence_days"),
        aliases=[a.strip() for a in text(form, "aliases").split(",")],
        note=text(form, "note"),
    )
    return back(text(form, "next") or f"/people/{person.id}", "added")


async def people_edit(request: Request, form: FormData) -> Response:
    store = store_of(request)
    person = people.by_id(store, request.path_params["id"])
    wanted = [a.strip() for a in text(form, "aliases").split(",") if a.strip()]
    cadence = number(form, "cadence_days")
    people.edit(
        store, person.name, new_name=text(form, "name"), relation=text(form, "relation") or None,
        cadence_days=cadence, clear_cadence=cadence is None,
        add_aliases=[a for a in wanted if a not in person.aliases],
        remove_aliases=[a for a in person.aliases if a not in wanted], note=text(form, "note"),
    )  # fmt: skip
    return back(f"/people/{person.id}", "changed", just_changed(store, "person", person.id))


async def people_delete(request: Request, form: FormData) -> Response:
    store = store_of(request)
    change = people.remove(store, people.by_id(store, request.path_params["id"]).name)
    return back("/people", "deleted", change)


EDIT_PERSON = Form("person-edit", "/people", PERSON.inputs)
DATE = Form("date", "/people", {"label": Input("label", "What day"), "when": Input("when", "When")})


async def date_add(request: Request, form: FormData) -> Response:
    store = store_of(request)
    person = people.by_id(store, request.path_params["id"])
    important_dates.add(store, person.name, text(form, "label"), text(form, "when"))
    return back(f"/people/{person.id}#dates-h", "date")


async def date_delete(request: Request, form: FormData) -> Response:
    change = important_dates.remove(store_of(request), request.path_params["date"])
    return back(f"/people/{request.path_params['id']}", "deleted", change)


DELETE = Form("delete", "/people", {})


def routes() -> list[BaseRoute]:
    return [
        *page("/people", "people.html", people_page),
        posted("/people", PERSON, people_add),
        *page("/people/{id:int}", "person.html", person_page),
        posted("/people/{id:int}", EDIT_PERSON, people_edit),
        posted("/people/{id:int}/delete", DELETE, people_delete),
        posted("/people/{id:int}/dates", DATE, date_add),
        posted("/people/{id:int}/dates/{date:int}/delete", DELETE, date_delete),
    ]
