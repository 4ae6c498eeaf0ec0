"""The one error path of the web app: every exception becomes a page (or JSON) in the browser's
words. tarry's own errors, a damaged or busy store and a full disk are explained as the CLI
explains them (store/connection.py:explained); anything else is a 500 that says so plainly and is
logged with its traceback. A field is named by the form's label, a next step is a link."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tarry.base import home as homes
from tarry.base.errors import Step, TarryError, plain_expectation
from tarry.store.connection import explained
from tarry.web.pages import render, wants_json

log = logging.getLogger("tarry.web")

# Each next step as the browser takes it: words, and a page when there is one.
STEPS: dict[Step, tuple[str, str | None]] = {
    Step.INIT: ("Create the store first.", None),
    Step.ENCRYPT: ("Encrypt the store first.", None),
    Step.RESTORE: ("", None),  # the hint says it; restoring is done in the terminal
    Step.BACKUP: ("Make a backup.", None),
    Step.EXPORT: ("Export everything again.", None),
    Step.CHANGE_PASSPHRASE: ("Set a new passphrase with your recovery key.", None),
    Step.LIST_PEOPLE: ("See your people.", "/people"),
    Step.ADD_PERSON: ("Add them on the People page.", "/people"),
    Step.EDIT_PERSON: ("Open the person you have.", "/people"),
    Step.LIST_COMMITMENTS: ("See your commitments.", "/commitments"),
    Step.LIST_ALL_COMMITMENTS: ("See your commitments.", "/commitments"),
    Step.LIST_MOMENTS: ("See your moments.", "/"),
    Step.LIST_TRADEOFFS: ("See your tradeoffs.", "/tradeoffs"),
    Step.LIST_ENTRIES: ("See your journal.", "/journal"),
    Step.VALUE_HISTORY: ("See your values.", "/values"),
    Step.RATE_VALUES: ("Rate what matters.", "/values"),
    Step.IMPORT_CALENDAR: ("Import a calendar.", "/import"),
    Step.IMPORT_CHAT: ("Import a chat.", "/import"),
    Step.LIST_CALENDARS: ("See the Import page.", "/import"),
    Step.LIST_CALENDAR_RULES: ("See the Import page.", "/import"),
    Step.WRITE_PIPED: ("Write the entry in the Journal.", "/journal"),
}

# Field names as the web app's forms label them, for an error shown away from its form.
LABELS: dict[str, str] = {}


class Unexpected(TarryError):
    """Anything tarry did not foresee: a bug. Said plainly; the traceback goes to the log."""

    http_status = 500


class PageNotFound(TarryError):
    http_status = 404


@dataclass
class Shown:
    """An error as a page shows it: the message, what to do, a link, the field at fault."""

    status: int
    message: str
    hint: list[str] = field(default_factory=list)
    link: tuple[str, str] | None = None  # (words, href)
    field: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "error": self.message,
            "hint": " ".join(self.hint),
            "field": self.field,
            "link": self.link[1] if self.link else None,
        }


def shown(exc: TarryError, labels: Mapping[str, str] | None = None) -> Shown:
    """`exc` in the browser's words; `labels` are the form's (field -> label)."""
    hint = [exc.hint] if exc.hint else []
    if exc.expected or exc.example:
        names = {**LABELS, **(labels or {})}
        hint.append(plain_expectation(exc, names.get(exc.field or "", "")))
    link = None
    if exc.step is not None:
        words, href = STEPS[exc.step]
        if href is None:
            hint += [words] if words else []
        else:
            link = (words, href)
    return Shown(exc.http_status, exc.message, hint, link, exc.field)


def as_tarry_error(request: Request, exc: Exception) -> TarryError:
    """Every exception as a typed error: explained, a missing page, or unexpected (logged)."""
    if isinstance(exc, HTTPException):
        if exc.status_code == 404:
            return PageNotFound(f"There is no page at {request.url.path}.")
        error = TarryError(exc.detail or "The request was refused.")
        error.http_status = exc.status_code
        return error
    home = request.app.state.config.home
    found = explained(exc, homes.db_path(homes.resolve(home)))
    if found is not None:
        return found
    log.error("Unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return Unexpected(
        "Something went wrong inside tarry; this is a bug, not something you did.",
        "What you sent may not have been saved: check, then try again. The details are in the"
        " log of the terminal running tarry.",
    )


async def render_error(request: Request, exc: Exception) -> Response:
    """The one handler for every exception: a page, or JSON for a .json address."""
    error = as_tarry_error(request, exc)
    view = shown(error)
    if wants_json(request):
        return JSONResponse(view.to_dict(), status_code=view.status)
    return render(request, "error.html", {"shown": view}, status_code=view.status)


# Starlette picks a handler by the exception's class: every one of these comes here. The first
# four are answered inside the app; Exception is the server's last resort (it logs it too).
HANDLED: tuple[type[Exception], ...] = (
    HTTPException,
    TarryError,
    sqlite3.Error,
    OSError,
    Exception,
)
