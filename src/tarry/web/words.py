"""The web app's words for what the library names: a field by the form's label, a next step
as a link to the page that takes it. The CLI's words are in cli/errors.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tarry.base.errors import Step, TarryError, plain_expectation

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
    Step.CHOOSE_RELAY: ("Choose a relay.", "/together"),
    Step.PAIR: ("Pair on the Together page.", "/together"),
    Step.PAIR_AGAIN: ("Start pairing again.", "/together"),
    Step.UNPAIR: ("Unpair them on the Together page.", "/together"),
    Step.SYNC: ("Sync on the Together page.", "/together"),
    Step.ASK: ("Ask one on the Together page.", "/together"),
    Step.LIST_ROUNDS: ("See your questions on the Together page.", "/together"),
    Step.START_CHECKIN: ("Start one on the Together page.", "/together"),
    Step.LIST_CHECKINS: ("See your check-ins on the Together page.", "/together"),
    Step.LIST_SHARED_TIME: ("See your shared time on the Together page.", "/together"),
    Step.LIST_CHANGES: ("See what can be undone.", "/undo"),
}

# Field names as the web app's forms label them, for an error shown away from its form.
LABELS: dict[str, str] = {
    "at": "When",
    "since": "Since",
    "when": "Which day",
    "duration_min": "How long",
    "people_names": "With",
    "every": "Every",
    "rrule": "Rule",
    "fmt": "Format",
    "day_first": "Date order",
    "words": "Search",
}


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


def shown(
    exc: TarryError, labels: Mapping[str, str] | None = None, *, beside: bool = False
) -> Shown:
    """`exc` in the browser's words; `labels` are the form's (field -> label). `beside`: said
    next to the input itself, so without its label."""
    hint = [exc.hint] if exc.hint else []
    if exc.expected or exc.example:
        names = {**LABELS, **(labels or {})}
        hint.append(plain_expectation(exc, "" if beside else names.get(exc.field or "")))
    link = None
    if exc.step is not None:
        words, href = STEPS[exc.step]
        if href is None:
            hint += [words] if words else []
        else:
            link = (words, href)
    return Shown(exc.http_status, exc.message, hint, link, exc.field)
