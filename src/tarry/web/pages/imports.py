"""Import a chat export or a calendar by upload; watch its progress; read the summary."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from tarry.base import home as homes
from tarry.base.errors import InvalidInput, NotFound, TarryError
from tarry.calendar.ics_import import import_calendar
from tarry.declare import people
from tarry.mirror.chats import day_first, import_chat
from tarry.mirror.formats.detect import FORMATS
from tarry.store import Store
from tarry.web import uploads
from tarry.web.app import Config, open_store, page
from tarry.web.forms import check_csrf, checked_form
from tarry.web.jobs import Job, Jobs

KINDS = ("chat", "calendar")


def import_page(request: Request, store: Store) -> dict[str, Any]:
    return {"formats": sorted(FORMATS), "people": people.all_people(store)}


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
        request, homes.resolve(config.home), lambda token: check_csrf(request, token)
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
        kind, received.filename, lambda job: run(config, kind, received, job)
    )
    return RedirectResponse(f"/import/jobs/{job.id}", status_code=303)


def run(config: Config, kind: str, received: uploads.Upload, job: Job) -> dict[str, Any]:
    try:
        with open_store(config) as store:
            return _import(store, kind, received, job)
    except TarryError as exc:
        raise in_browser_terms(exc) from None
    finally:
        uploads.discard(received)


def in_browser_terms(exc: TarryError) -> TarryError:
    """The same error, naming the page's Format menu instead of the CLI's --format."""
    if exc.hint:
        exc.hint = exc.hint.replace("--format", "the Format menu (CLI: --format)")
    return exc


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
