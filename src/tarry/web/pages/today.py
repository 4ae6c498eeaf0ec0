"""Today: log a moment in seconds, mark today's commitments, a prompt, who is drifting."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from tarry.base import clock
from tarry.commit import commitments
from tarry.declare import people, values
from tarry.declare.practices import PRACTICES
from tarry.prompts.choose import daily
from tarry.reflect import moments
from tarry.review import reminders
from tarry.store import Store
from tarry.together import nudges
from tarry.web.forms import Form, Input, integer, many, naive_time, text, when
from tarry.web.pages import back, just_changed, page, posted, store_of

RATINGS = (
    ("intimacy", "How close did it feel?"),
    ("i_disclosed", "How much did I share of myself?"),
    ("they_disclosed", "How much did they share?"),
    ("pleasantness", "How pleasant was it?"),
    ("satisfaction", "How satisfying was it?"),
)
LOG = Form(
    "log",
    "/today",
    {
        "people_names": Input("with", "With"),
        "at": Input("at", "When"),
        "duration_min": Input("duration", "How long"),
        "medium": Input("medium", "How"),
        "initiator": Input("initiator", "Who started it"),
        **{name: Input(name, question) for name, question in RATINGS},
        "discomfort": Input("discomfort", "Discomfort I accepted"),
        "practices": Input("practice", "Practices exercised"),
        "note": Input("note", "Note"),
    },
)
MARK = Form("mark", "/today", {"traded_for": Input("traded_for", "Traded for")})


def today_page(request: Request, store: Store) -> dict[str, Any]:
    now = clock.now()
    found = reminders.reminders(store)
    return {
        "now": now.strftime("%A %d %B"),
        "people": people.all_people(store),
        "practices": PRACTICES,
        "media": moments.MEDIA,
        "initiators": moments.INITIATORS,
        "ratings": RATINGS,
        "today": found.today,
        "unmarked": found.unmarked,
        "drifting": found.drifting[:5],
        "dates": found.dates,
        "day": found.day,
        "recent": moments.all_moments(store, limit=5),
        "prompt": daily_prompt(store),
        "nudges": nudges.nudges(store),
    }


def daily_prompt(store: Store) -> dict[str, Any]:
    """A prompt for the day, for whoever you are seeing today (stable all day)."""
    return daily(store).to_dict()


async def index(request: Request) -> Response:
    """First run goes to onboarding; afterwards the root is Today."""
    store = store_of(request)
    if not people.all_people(store) and values.latest(store) is None:
        return RedirectResponse("/welcome", status_code=303)
    response: Response = await TODAY[1].endpoint(request)  # type: ignore[attr-defined]
    return response


TODAY = page("/today", "today.html", today_page, fresh="minute")


def moment_fields(form: FormData) -> dict[str, Any]:
    """The moment a form describes (Today's, or a moment's own page), as library arguments."""
    return {
        "at": when(form, "at"),
        "duration_min": moments.parse_duration(text(form, "duration", "30m") or "30m"),
        "medium": text(form, "medium", "in-person"),
        "initiator": text(form, "initiator", "mutual"),
        "discomfort": integer(form, "discomfort", 0),
        "practices": many(form, "practice"),
        "note": text(form, "note"),
        **{name: integer(form, name, moments.DEFAULT_RATING) for name, _ in RATINGS},
    }


async def log_moment(request: Request, form: FormData) -> Response:
    moments.log(store_of(request), many(form, "with"), **moment_fields(form))
    return back(text(form, "next", "/") or "/", "moment")


async def mark_occurrence(request: Request, form: FormData) -> Response:
    store = store_of(request)
    commitments.mark(
        store,
        request.path_params["id"],
        text(form, "status"),
        when=naive_time(form, "at"),
        traded_for=text(form, "traded_for") or None,
        note=text(form, "note"),
    )
    done = just_changed(store, "occurrence", request.path_params["id"])
    return back(text(form, "next", "/") or "/", "marked", done)


def occurrence_form(request: Request, form: FormData) -> str:
    """Each occurrence has its own form on the page (_occurrence.html names them alike)."""
    return f"mark-{request.path_params['id']}-{text(form, 'at')}"


def routes() -> list[BaseRoute]:
    return [
        Route("/", index, methods=["GET"]),
        *TODAY,
        posted("/moments", LOG, log_moment),
        posted("/commitments/{id:int}/mark", MARK, mark_occurrence, form_id=occurrence_form),
    ]
