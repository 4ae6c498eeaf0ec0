"""Typed errors raised by the library; each edge (CLI, web) renders them in one place.

The library speaks the domain, never a shell's words: an error names the input at fault by its
*field* (the library's parameter name, e.g. "at"), says what was *expected* and gives an
*example*; a next step elsewhere is a `Step`. The CLI renders a field as its flag (`--at`) and a
step as a command; the web app renders a field beside the form's input, in the form's label,
and a step as a link (see cli/errors.py and web/errors.py).
"""

from __future__ import annotations

from enum import Enum


class Step(Enum):
    """A next step a person can take, by name; each shell says how (a command, a page)."""

    INIT = "create the store"
    ENCRYPT = "encrypt the store"
    RESTORE = "restore a backup"
    BACKUP = "make a backup"
    EXPORT = "export everything"
    CHANGE_PASSPHRASE = "set a new passphrase with the recovery key"
    LIST_PEOPLE = "see your people"
    ADD_PERSON = "add a person"
    EDIT_PERSON = "change a person"
    LIST_COMMITMENTS = "see your commitments"
    LIST_ALL_COMMITMENTS = "see every commitment, ended ones too"
    LIST_MOMENTS = "see your moments"
    LIST_TRADEOFFS = "see your tradeoffs"
    LIST_ENTRIES = "see your entries"
    VALUE_HISTORY = "see your value profiles"
    RATE_VALUES = "rate what matters"
    IMPORT_CALENDAR = "import a calendar"
    IMPORT_CHAT = "import a chat"
    LIST_CALENDARS = "see your imported calendars"
    LIST_CALENDAR_RULES = "see your calendar rules"
    WRITE_PIPED = "write an entry from piped text"
    CHOOSE_RELAY = "choose a relay"
    PAIR = "pair with them"
    PAIR_AGAIN = "start pairing again with a new code"
    UNPAIR = "unpair first"
    SYNC = "sync with the relay"
    ASK = "ask them a question"
    LIST_ROUNDS = "see your questions together"
    START_CHECKIN = "start a check-in"
    LIST_CHECKINS = "see your check-ins"
    LIST_SHARED_TIME = "see your shared time"
    LIST_CHANGES = "see what can be undone"


class TarryError(Exception):
    """Base of every error a user can act on.

    `hint` says what to do next in words no shell owns; `field`, `expected` and `example` say
    which input was wrong and what it takes; `step` names a next step elsewhere.
    """

    exit_code = 2
    http_status = 400

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        field: str | None = None,
        expected: str | None = None,
        example: str | None = None,
        step: Step | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.field = field
        self.expected = expected
        self.example = example
        self.step = step

    def __str__(self) -> str:
        """Plain text, for logs and tests; the shells render their own words."""
        parts = [self.message, self.hint or ""]
        if self.expected or self.example:
            parts.append(plain_expectation(self))
        if self.step:
            parts.append(f"Next: {self.step.value}.")
        return "\n".join(p for p in parts if p)


def plain_expectation(exc: TarryError, name: str | None = None) -> str:
    """'NAME: what it takes, e.g. EXAMPLE.' with the field's own name unless `name` is given;
    `name=""` leaves the name out (said beside the input itself)."""
    label = (exc.field or "").replace("_", " ") if name is None else name
    said = exc.expected or ""
    if exc.example:
        said += f"{', ' if said else ''}e.g. {exc.example}"
    return f"{label}: {said}." if label else f"{said[:1].upper()}{said[1:]}."


class InvalidInput(TarryError):
    """A value given by the user is out of range or malformed."""


class NotFound(TarryError):
    """A named thing (person, commitment, week ...) does not exist."""

    http_status = 404


class Conflict(TarryError):
    """The request clashes with what is already stored (a duplicate name, say)."""

    http_status = 409


class FormatError(TarryError):
    """An input file is not in the expected format. Names the file and line or byte."""

    http_status = 422

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        byte: int | None = None,
        hint: str | None = None,
        field: str | None = None,
        expected: str | None = None,
        example: str | None = None,
        step: Step | None = None,
    ) -> None:
        where = path or "input"
        if line is not None:
            where += f", line {line}"
        elif byte is not None:
            where += f", byte {byte}"
        super().__init__(
            f"{where}: {message}", hint, field=field, expected=expected, example=example, step=step
        )
        self.path, self.line, self.byte = path, line, byte


class StoreError(TarryError):
    """The database cannot be opened or is damaged."""

    http_status = 500


class LockedError(TarryError):
    """The store is encrypted and the passphrase is missing or wrong."""

    http_status = 401


class Unauthorized(TarryError):
    """A request is not signed, or not signed by a key that may make it."""

    http_status = 401


class Forbidden(TarryError):
    """The request is understood and signed, but its signer may not do this."""

    http_status = 403


class Gone(TarryError):
    """The thing asked for existed and is no longer there (an expired code, a revoked pair)."""

    http_status = 410


class TooLarge(TarryError):
    """An input or an import is over a limit that protects memory, time or disk space."""

    http_status = 413


class RateLimited(TarryError):
    """Too many requests in too short a time; wait and try again."""

    http_status = 429


class Unreachable(TarryError):
    """A server the person chose (the relay) cannot be reached now."""

    http_status = 503


class Misbehaved(TarryError):
    """A server sent something it should not have (the relay tampered, replayed, forged ...)."""

    http_status = 502


class NoSpace(TarryError):
    """Not enough free disk space to go on safely; nothing was changed."""

    http_status = 507
