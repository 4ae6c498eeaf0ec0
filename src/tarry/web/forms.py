"""Reading posted forms: the CSRF check lives here, so no handler can forget it."""

from __future__ import annotations

import hmac
from datetime import datetime

from starlette.datastructures import FormData
from starlette.requests import Request

from tarry.base import clock
from tarry.base.errors import InvalidInput, TarryError


class CsrfRefused(TarryError):
    http_status = 403


async def checked_form(request: Request) -> FormData:
    """The posted form, after checking its CSRF token against the session's."""
    form = await request.form()
    check_csrf(request, str(form.get("_csrf", "") or request.headers.get("x-csrf-token", "")))
    return form


def check_csrf(request: Request, given: str) -> None:
    guard = request.app.state.config.guard
    expected = guard.csrf_for(request.scope.get("state", {}).get("session"))
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise CsrfRefused(
            "This form is out of date or did not come from tarry.", "Reload the page and try again."
        )


def text(form: FormData, name: str, default: str = "") -> str:
    value = form.get(name, default)
    return value.strip() if isinstance(value, str) else default


def number(form: FormData, name: str) -> float | None:
    raw = text(form, name)
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise InvalidInput(f"{name.replace('_', ' ')} must be a number, not {raw!r}.") from None


def integer(form: FormData, name: str, default: int) -> int:
    value = number(form, name)
    if value is None:
        return default
    if value != int(value):
        raise InvalidInput(f"{name.replace('_', ' ')} must be a whole number, not {value:g}.")
    return int(value)


def many(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str) and v.strip()]


def when(form: FormData, name: str) -> datetime | None:
    """An optional date-time field (a datetime-local input gives '2026-11-19T19:00')."""
    raw = text(form, name)
    return clock.parse(raw, name) if raw else None


def naive_time(form: FormData, name: str) -> datetime:
    """A required local wall time, as occurrences are named ('2026-11-19T19:00:00')."""
    raw = text(form, name)
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            f"Which occurrence? {raw!r} is not a date and time.", "Reload the page and try again."
        ) from None
