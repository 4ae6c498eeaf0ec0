"""The six practices: tarry's first-class vocabulary (see docs/design.md)."""

from __future__ import annotations

from collections.abc import Iterable

from tarry.base.errors import InvalidInput

PRACTICES: dict[str, str] = {
    "depth": "choose depth over comfort in a conversation, even when comfort is available",
    "stay": "stay with something hard instead of redirecting",
    "seen": "be willing to be seen in a state that isn't impressive",
    "space": "make space for another person to not be okay, without fixing it",
    "inner": "treat your inner life as worth developing",
    "priority": "choose an evening of real conversation over another hour of work",
}

KEYS: tuple[str, ...] = tuple(PRACTICES)


def parse(values: Iterable[str] | str | None) -> list[str]:
    """Normalise practice keys given as a list or 'a+b' / 'a,b' text; reject unknown keys."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    keys: list[str] = []
    for value in values:
        for part in value.replace("+", ",").split(","):
            key = part.strip().lower()
            if not key:
                continue
            if key not in PRACTICES:
                raise InvalidInput(
                    f"Unknown practice {key!r}.",
                    field="practices",
                    expected=f"one or more of {', '.join(KEYS)}",
                    example="depth+stay",
                )
            if key not in keys:
                keys.append(key)
    return keys
