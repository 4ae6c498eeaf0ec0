"""Import a chat export or a calendar by upload; watch its progress; read the summary."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from tarry.base.errors import InvalidInput, NotFound
from tarry.calendar.ics_import import import_calendar
from tarry.declare import people
from tarry.mirror.chats import day_first, import_chat
from tarry.mirror.formats import registry
from tarry.store import Store
from tarry.web import uploads
from tarry.web.config import Config, open_store
from tarry.web.forms import check_csrf, checked_form
from tarry.web.jobs import Job, Jobs
from tarry.web.pages import page

KINDS = ("chat", "calendar")
# The import forms' labels, by the library's field names (what an error names).
LABELS = {
    "fmt": "Format",
    "person": "Who is it with",
    "me": "Your name in the chat",
    "reassign_me": "Make this name you in a chat imported before with another",
    "day_first": "WhatsApp dates",
    "calendar": "Calendar name",
}


def import_page(request: Request, store: Store) -> dict[str, Any]:
    return {"formats": sorted(registry.names()), "people": people.all_people(store)}


def job_page(request: Request, store: Store) -> dict[str, Any]:
    return {"job": jobs_of(request).get(request.path_params["id"])}


def jobs_of(request: Request) -> Jobs:
    if not hasattr(request.app.state, "jobs"):
        request.app.state.jobs = Jobs()
    jobs: Jobs = request.app.state.jobs
    return jobs


async def upload(request: Request) -> Response:
    """Stream the file into the private home, then import it in the background."""
    config: Config = request.app.state.config
    kind = request.path_params["kind"]
    received = await uploads.receive(
        request, config.home.path, lambda token: check_csrf(request, token)
    )
    try:
        if kind not in KINDS:
            raise NotFound(f"Nothing to import as {kind!r}.", "Import a chat or a calendar.")
        if received.spool is None:
            raise InvalidInput("No file was chosen.", "Choose an export file, then Import.")
        if received.size == 0:
            raise InvalidInput(f"{received.filename} is empty.", "Choose the export file itself.")
    except BaseException:
        uploads.discard(received)
        raise
    job = jobs_of(request).start(
        kind, received.filename, lambda job: run(config, kind, received, job), LABELS
    )
    return RedirectResponse(f"/import/jobs/{job.id}", status_code=303)


def run(config: Config, kind: str, received: uploads.Upload, job: Job) -> dict[str, Any]:
    try:
        with open_store(config) as store:
            return _import(store, kind, received, job)
    finally:
        uploads.discard(received)


def _import(store: Store, kind: str, received: uploads.Upload, job: Job) -> dict[str, Any]:
    fields, source = received.fields, received.source()
    if kind == "calendar":
        name = fields.get("calendar") or None
        return import_calendar(store, source, calendar=name, progress=job.progress).to_dict()
    return import_chat(
        store, source,
        fmt=fields.get("format") or None,
        person=fields.get("person") or None,
        me=fields.get("me") or None,
        reassign_me=fields.get("reassign_me") == "yes",
        progress=job.progress,
        day_first=day_first(fields.get("date_order")),
    ).to_dict()  # fmt: skip


async def cancel(request: Request) -> Response:
    """Stop a running import; it rolls back and its page says so."""
    await checked_form(request)
    job = jobs_of(request).get(request.path_params["id"])
    job.cancel()
    return RedirectResponse(f"/import/jobs/{job.id}", status_code=303)


def routes() -> list[BaseRoute]:
    return [
        *page("/import", "import.html", import_page),
        Route("/import/jobs/{id:str}/cancel", cancel, methods=["POST"]),
        Route("/import/{kind:str}", upload, methods=["POST"]),
        *page("/import/jobs/{id:str}", "job.html", job_page),
    ]
