"""Moments: interactions worth noting, logged Rochester Interaction Record style.

Five RIR ratings, 1-7: intimacy, I disclosed, they disclosed, pleasantness, satisfaction;
meaningfulness is their mean. Also felt responsiveness (1-7, optional), discomfort accepted
(0-10), practices exercised and a note. `disclosure` (none, fact, thought, feeling: the mirror's
scale) is derived from "I disclosed" when not given: 1 none, 2-3 fact, 4-5 thought, 6-7 feeling.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tarry.base import clock
from tarry.base.errors import InvalidInput, NotFound, Step
from tarry.declare import people
from tarry.declare import practices as practice_keys
from tarry.store import Store, undo

MEDIA = ("in-person", "call", "video", "text", "other")
INITIATORS = ("me", "them", "mutual")
DISCLOSURES = ("none", "fact", "thought", "feeling")
RIR = ("intimacy", "i_disclosed", "they_disclosed", "pleasantness", "satisfaction")
DEFAULT_RATING = 4  # the scale's midpoint, for a rating not given
DEFAULT_MINUTES = 30

_DURATION = re.compile(
    r"^\s*(?:(?P<h>\d+(?:\.\d+)?)\s*h(?:ours?|rs?)?)?\s*"
    r"(?:(?P<m>\d+)\s*m(?:in(?:utes?)?|ins)?)?\s*$",
    re.IGNORECASE,
)


MAX_MOMENT_MIN = 24 * 60
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)


def parse_duration(text: str | int, field: str = "duration_min") -> int:
    """Minutes from '2h', '90m', '1h30m' or '1.5h'; a bare number is refused as ambiguous.

    `field` names the input the text came from, for the error."""
    if isinstance(text, int):
        return text
    text = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        raise InvalidInput(
            f"Is {text!r} minutes or hours? A duration needs a unit.",
            f"Write {text}m for minutes or {text}h for hours.",
            field=field,
        )
    match = _DURATION.match(text)
    if not text or match is None or not (match["h"] or match["m"]):
        raise InvalidInput(
            f"Cannot read the duration {text!r}.",
            field=field,
            expected="a length with its unit: 45m, 2h, 1h30m or 1.5h",
            example="45m",
        )
    return round(float(match["h"] or 0) * 60) + int(match["m"] or 0)


def disclosure_for(i_disclosed: int) -> str:
    """The disclosure level a self-disclosure rating stands for (see the module docstring)."""
    if i_disclosed <= 1:
        return "none"
    if i_disclosed <= 3:
        return "fact"
    return "thought" if i_disclosed <= 5 else "feeling"


@dataclass
class Moment:
    id: int
    at: datetime
    duration_min: int
    medium: str
    initiator: str
    intimacy: int
    i_disclosed: int
    they_disclosed: int
    pleasantness: int
    satisfaction: int
    responsiveness: int | None
    discomfort: int
    disclosure: str
    note: str
    people: list[str] = field(default_factory=list)
    practices: list[str] = field(default_factory=list)

    @property
    def meaningfulness(self) -> float:
        # A plain mean: importing `statistics` would cost `tarry log` several milliseconds.
        return round(sum(getattr(self, name) for name in RIR) / len(RIR), 2)

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["at"] = self.at.isoformat()
        data["meaningfulness"] = self.meaningfulness
        return data


def _check_scale(name: str, value: int | None, low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        raise InvalidInput(
            f"{value} is not on the {low}-{high} scale.",
            field=name,
            expected=f"a whole number from {low} (not at all) to {high} (very much)",
        )


def _check_choice(name: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise InvalidInput(
            f"{value!r} is not one of the choices.",
            field=name,
            expected=f"one of {', '.join(allowed)}",
        )


def _check(
    ratings: dict[str, int],
    responsiveness: int | None,
    discomfort: int,
    medium: str,
    initiator: str,
    disclosure: str,
    duration_min: int,
) -> None:
    """Refuse any value out of its scale or list, before anything is written."""
    for name, value in ratings.items():
        _check_scale(name, value, 1, 7)
    _check_scale("responsiveness", responsiveness, 1, 7)
    _check_scale("discomfort", discomfort, 0, 10)
    _check_choice("medium", medium, MEDIA)
    _check_choice("initiator", initiator, INITIATORS)
    _check_choice("disclosure", disclosure, DISCLOSURES)
    if duration_min < 0:
        raise InvalidInput(
            f"A duration cannot be negative ({duration_min} min).", field="duration_min"
        )
    if duration_min > MAX_MOMENT_MIN:
        raise InvalidInput(
            f"A moment lasts at most 24 h, not {duration_min / 60:g} h.",
            "Log a longer time together as one moment per day.",
            field="duration_min",
        )


def check_when(at: datetime, days_ahead: int = 1, field: str = "at") -> None:
    """Refuse a time more than `days_ahead` days ahead or before 1970: almost surely a typo."""
    at = clock.instant(at)
    if at > clock.now() + timedelta(days=days_ahead):
        ahead = "a day" if days_ahead == 1 else f"{days_ahead} days"
        raise InvalidInput(
            f"{at:%Y-%m-%d %H:%M} is more than {ahead} ahead.",
            "Check the year.",
            field=field,
            expected="a time up to now",
            example="yesterday 19:00",
        )
    if at < EARLIEST:
        raise InvalidInput(
            f"{at:%Y-%m-%d} is before 1970.", "Check the year.", field=field, example="today 9:00"
        )


def log(
    store: Store,
    people_names: Iterable[str],
    *,
    at: datetime | None = None,
    duration_min: int = DEFAULT_MINUTES,
    medium: str = "in-person",
    initiator: str = "mutual",
    intimacy: int = DEFAULT_RATING,
    i_disclosed: int = DEFAULT_RATING,
    they_disclosed: int = DEFAULT_RATING,
    pleasantness: int = DEFAULT_RATING,
    satisfaction: int = DEFAULT_RATING,
    responsiveness: int | None = None,
    discomfort: int = 0,
    disclosure: str | None = None,
    practices: Iterable[str] | str | None = None,
    note: str = "",
) -> Moment:
    """Record a moment with one or more people; everything is checked before anything is written."""
    person_ids = people.ids_for(store, people_names)
    if not person_ids:
        raise InvalidInput(
            "A moment needs at least one person.",
            field="people_names",
            expected="who it was with",
            example="Sam",
        )
    ratings = dict(
        zip(RIR, (intimacy, i_disclosed, they_disclosed, pleasantness, satisfaction), strict=True)
    )
    disclosure = disclosure or disclosure_for(i_disclosed)
    _check(ratings, responsiveness, discomfort, medium, initiator, disclosure, duration_min)
    check_when(at or clock.now())
    keys = practice_keys.parse(practices)
    with store.tx():
        cur = store.execute(
            "INSERT INTO moments (at, duration_min, medium, initiator, intimacy, i_disclosed,"
            " they_disclosed, pleasantness, satisfaction, responsiveness, discomfort,"
            " disclosure, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (clock.to_text(at or clock.now()), duration_min, medium, initiator,
             *ratings.values(), responsiveness, discomfort, disclosure, note.strip()),
        )  # fmt: skip
        moment_id = int(cur.lastrowid or 0)
        store.conn.executemany(
            "INSERT OR IGNORE INTO moment_people (moment_id, person_id) VALUES (?, ?)",
            [(moment_id, pid) for pid in person_ids],
        )
        store.conn.executemany(
            "INSERT INTO moment_practices (moment_id, practice) VALUES (?, ?)",
            [(moment_id, key) for key in keys],
        )
    return get(store, moment_id)


SELECT = """
SELECT m.*,
    (SELECT group_concat(name, char(31)) FROM (SELECT p.name FROM moment_people mp
        JOIN people p ON p.id = mp.person_id WHERE mp.moment_id = m.id ORDER BY p.name))
        AS names,
    (SELECT group_concat(practice, char(31)) FROM (SELECT practice FROM moment_practices
        WHERE moment_id = m.id ORDER BY practice)) AS keys
FROM moments m
"""


def _from_row(row: Any) -> Moment:
    return Moment(
        row["id"], clock.from_text(row["at"]), row["duration_min"], row["medium"],
        row["initiator"], row["intimacy"], row["i_disclosed"], row["they_disclosed"],
        row["pleasantness"], row["satisfaction"], row["responsiveness"], row["discomfort"],
        row["disclosure"], row["note"],
        row["names"].split("\x1f") if row["names"] else [],
        row["keys"].split("\x1f") if row["keys"] else [],
    )  # fmt: skip


def get(store: Store, moment_id: int) -> Moment:
    row = store.one(SELECT + " WHERE m.id = ?", (moment_id,))
    if row is None:
        raise NotFound(f"No moment with id {moment_id}.", step=Step.LIST_MOMENTS)
    return _from_row(row)


def all_moments(
    store: Store,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    person: str | None = None,
    limit: int | None = None,
) -> list[Moment]:
    """Moments, newest first, optionally from `since`, before `until`, with one person."""
    where, params = ["1"], []
    if since is not None:
        where.append("m.at >= ?")
        params.append(clock.to_text(since))
    if until is not None:
        where.append("m.at < ?")
        params.append(clock.to_text(until))
    if person is not None:
        where.append("m.id IN (SELECT moment_id FROM moment_people WHERE person_id = ?)")
        params.append(str(people.get(store, person).id))
    sql = SELECT + f" WHERE {' AND '.join(where)} ORDER BY m.at DESC, m.id DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_from_row(row) for row in store.query(sql, params)]


def summary(moment: Moment) -> str:
    """The moment in a few words, for what can be undone: 'moment with Sam, Thu 19 Nov 18:00'."""
    who = ", ".join(moment.people) or "no one"
    return f"moment {moment.id} with {who}, {moment.at:%a %d %b %H:%M}"


EDITABLE = (
    "at", "duration_min", "medium", "initiator", *RIR, "responsiveness", "discomfort",
    "disclosure", "note",
)  # fmt: skip


def edit(
    store: Store,
    moment_id: int,
    *,
    people_names: Iterable[str] | None = None,
    practices: Iterable[str] | str | None = None,
    **changes: Any,
) -> Moment:
    """Change what is given (None keeps it: the people, the practices, any of EDITABLE);
    checked like a new moment before anything is written; undoable."""
    moment = get(store, moment_id)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"moments.edit got unknown fields {sorted(unknown)}")
    given = {k: v for k, v in changes.items() if v is not None}
    follows = moment.disclosure == disclosure_for(moment.i_disclosed)  # it followed the rating
    if "i_disclosed" in given and "disclosure" not in given and follows:
        given["disclosure"] = disclosure_for(given["i_disclosed"])
    values = {name: given.get(name, getattr(moment, name)) for name in EDITABLE}
    person_ids = people.ids_for(store, people_names) if people_names is not None else None
    if person_ids is not None and not person_ids:
        raise InvalidInput("A moment needs at least one person.", field="people_names",
                           expected="who it was with", example="Sam")  # fmt: skip
    _check(
        {n: values[n] for n in RIR}, values["responsiveness"], values["discomfort"],
        values["medium"], values["initiator"], values["disclosure"], values["duration_min"],
    )  # fmt: skip
    if "at" in given:
        check_when(given["at"])
    keys = practice_keys.parse(practices) if practices is not None else None
    with store.tx():
        before = undo.edit(store, "moments", moment_id, ("moment_people", "moment_practices"))
        _write(store, moment_id, values, person_ids, keys)
        undo.record_edit(store, "moment", moment_id, summary(moment), before)
    return get(store, moment_id)


def _write(
    store: Store,
    moment_id: int,
    values: dict[str, Any],
    person_ids: list[int] | None,
    keys: list[str] | None,
) -> None:
    row = {**values, "at": clock.to_text(values["at"]), "note": str(values["note"]).strip()}
    sets = ", ".join(f"{name} = ?" for name in row)
    store.execute(f"UPDATE moments SET {sets} WHERE id = ?", (*row.values(), moment_id))
    if person_ids is not None:
        store.execute("DELETE FROM moment_people WHERE moment_id = ?", (moment_id,))
        store.conn.executemany(
            "INSERT OR IGNORE INTO moment_people (moment_id, person_id) VALUES (?, ?)",
            [(moment_id, pid) for pid in person_ids],
        )
    if keys is not None:
        store.execute("DELETE FROM moment_practices WHERE moment_id = ?", (moment_id,))
        store.conn.executemany(
            "INSERT INTO moment_practices (moment_id, practice) VALUES (?, ?)",
            [(moment_id, key) for key in keys],
        )


def remove(store: Store, moment_id: int) -> undo.Change:
    """Delete a moment; undoable for undo.UNDO_DAYS days."""
    moment = get(store, moment_id)
    return undo.delete(store, "moment", "moments", moment_id, summary(moment))
