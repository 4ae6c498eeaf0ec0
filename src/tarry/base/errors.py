"""Typed errors raised by the library; each edge (CLI, web) renders them in one place."""

from __future__ import annotations


class TarryError(Exception):
    """Base of every error a user can act on. `hint` says what to do next."""

    exit_code = 2
    http_status = 400

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


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
    ) -> None:
        where = path or "input"
        if line is not None:
            where += f", line {line}"
        elif byte is not None:
            where += f", byte {byte}"
        super().__init__(f"{where}: {message}", hint)
        self.path, self.line, self.byte = path, line, byte


class StoreError(TarryError):
    """The database cannot be opened or is damaged."""

    http_status = 500


class LockedError(TarryError):
    """The store is encrypted and the passphrase is missing or wrong."""

    http_status = 401


class TooLarge(TarryError):
    """An input or an import is over a limit that protects memory, time or disk space."""

    http_status = 413


class NoSpace(TarryError):
    """Not enough free disk space to go on safely; nothing was changed."""

    http_status = 507
