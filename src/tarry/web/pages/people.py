"""People: the list, one person's page, adding someone."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from tarry.base import clock
from tarry.declare import people
from tarry.mirror.person_report import PersonReport, person_report
from tarry.reflect import moments
from tarry.review import strength
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
        "drifting": strength.drifting(store),
        "relations": people.RELATIONS,
    }


def person_page(request: Request, store: Store) -> dict[str, Any]:
    person = people.by_id(store, request.path_params["id"])
    scores = {s.name: s for s in strength.people(store)}
    weekly = strength_series(store, person)
    has_chats = bool(store.scalar("SELECT 1 FROM conversations WHERE person_id = ?", (person.id,)))
    report = person_report(store, person.name, by="month") if has_chats else None
    return {
        "person": person,
        "strength": scores.get(person.name),
        "weekly_strength": weekly,
        "moments": moments.all_moments(store, person=person.name, limit=20),
        "mirror": report,
        "_charts": person_charts(weekly, report),
    }


def strength_series(store: Store, person: people.Person, weeks: int = WEEKS) -> list[float]:
    """The person's strength at the end of each of the last `weeks` weeks, oldest first."""
    today = clock.today()
    days = [date.fromordinal(d) for d in strength.contact_days(store, today).get(person.id, [])]
    target = strength.person_target(person.cadence_days)
    return [
        round(v, 3) for v in strength.scores(days, target, strength.weekly_samples(today, weeks))
    ]


def person_charts(weekly: list[float], report: PersonReport | None) -> dict[str, Any]:
    labels = [f"-{len(weekly) - 1 - i}w" for i in range(len(weekly))]
    made = {"strength": charts.lines("Strength of contact, week by week (0-1)", labels,
                                     {"strength": weekly}, top=1.0)}  # fmt: skip
    if report and report.periods:
        periods = report.periods[-12:]
        made["depth"] = charts.lines(
            "Mean disclosure depth per month, each way (0 none ... 3 feeling)",
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
DELETE = Form("delete", "/people", {})


def routes() -> list[BaseRoute]:
    return [
        *page("/people", "people.html", people_page),
        posted("/people", PERSON, people_add),
        *page("/people/{id:int}", "person.html", person_page),
        posted("/people/{id:int}", EDIT_PERSON, people_edit),
        posted("/people/{id:int}/delete", DELETE, people_delete),
    ]
