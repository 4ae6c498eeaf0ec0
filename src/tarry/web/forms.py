"""Reading posted forms: the CSRF check lives here, so no handler can forget it.

A `Form` declares which input feeds which library field, with the input's label: when the
library refuses what was sent, the page the form is on is drawn again (pages/__init__.py:posted)
with the error beside that input, in the form's words, and with what was typed kept.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime

from starlette.datastructures import FormData
from starlette.requests import Request

from tarry.base import clock
from tarry.base.errors import InvalidInput, TarryError
from tarry.web.words import Shown, shown


@dataclass(frozen=True)
class Input:
    name: str  # the input's name in the page's HTML
    label: str  # its label, as the form shows it


@dataclass(frozen=True)
class Form:
    """A form: its id on the page, the page it lives on by default, its inputs by field."""

    id: str
    page: str
    inputs: dict[str, Input]  # keyed by the library's field (what an error names)

    def input_for(self, field: str | None) -> Input | None:
        """The input an error's field refers to: by the library's name or the input's own."""
        if field is None:
            return None
        return self.inputs.get(field) or next(
            (i for i in self.inputs.values() if i.name == field), None
        )

    def labels(self) -> dict[str, str]:
        return {key: i.label for key, i in self.inputs.items()} | {
            i.name: i.label for i in self.inputs.values()
        }


@dataclass
class Refill:
    """A refused form, drawn again: which one, the input at fault, the error, what was typed."""

    form: str  # the form's id on the page (one occurrence's form has its own)
    input: str | None  # the input's name, or None for the form as a whole
    error: Shown
    values: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, form: Form, form_id: str, exc: TarryError, data: FormData) -> Refill:
        found = form.input_for(exc.field)
        values = {
            key: [v for v in data.getlist(key) if isinstance(v, str)]
            for key in data
            if not key.startswith("_")
        }
        error = shown(exc, form.labels(), beside=found is not None)
        return cls(form_id, found.name if found else None, error, values)

    def value(self, name: str, default: str = "") -> str:
        return self.values[name][0] if self.values.get(name) else default

    def has(self, name: str, option: str) -> bool:
        return option in self.values.get(name, [])


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
        raise InvalidInput(f"{raw!r} is not a number.", field=name, example="2") from None


def integer(form: FormData, name: str, default: int) -> int:
    value = number(form, name)
    if value is None:
        return default
    if value != int(value):
        raise InvalidInput(f"{value:g} is not a whole number.", field=name)
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
