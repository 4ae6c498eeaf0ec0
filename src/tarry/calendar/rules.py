"""Classify time blocks into work, connection, solo or other by ordered rules the user edits.

Rules live in the store (table calendar_rules), seeded with DEFAULTS on first use. The first rule
that matches a block gives its domain; a block no rule matches is `other`. Kinds:

- keyword:  words or phrases (comma-separated) in the summary or description
- calendar: calendar names (comma-separated, * and ? wildcards)
- attendee: text (comma-separated) within an attendee's name or email, e.g. @work.example
- person:   an attendee or a word of the summary is a person in tarry (or * for anyone)
- all-day:  all-day events (holidays, birthdays, trips: days, not hours)
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from tarry.base import clock
from tarry.base.errors import InvalidInput, NotFound, Step
from tarry.calendar.blocks import TimeBlock
from tarry.declare import people
from tarry.store import Store

DOMAINS = ("work", "connection", "solo", "other")
KINDS = ("keyword", "calendar", "attendee", "person", "all-day")
DEFAULTS: tuple[tuple[str, str, str], ...] = (
    ("other", "all-day", ""),
    ("work", "calendar", "work*, office*, job*"),
    ("connection", "person", "*"),
    ("work", "keyword", "standup, stand-up, sprint, retro, meeting, 1:1, sync, interview, client,"
     " deadline, workshop, conference, review, planning, office hours, demo, onboarding, team"),
    ("connection", "keyword", "dinner, date night, date with, lunch with, coffee with, drinks,"
     " party, visit, birthday, wedding, family, friends, call with, check-in, phone-free,"
     " game night"),
    ("solo", "keyword", "gym, run, yoga, meditation, therapy, journal, reading, walk, swim,"
     " workout, doctor, dentist, haircut, nap, focus time"),
)  # fmt: skip


@dataclass(frozen=True)
class Rule:
    position: int
    domain: str
    kind: str
    pattern: str

    def describe(self) -> str:
        return f"#{self.position} {self.kind} {self.pattern}".rstrip() + f" -> {self.domain}"

    def short(self) -> str:
        return f"rule #{self.position} ({self.kind} -> {self.domain})"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Match:
    """A block's domain and why: the rule that matched (None: no rule did) and what it saw."""

    domain: str
    rule: Rule | None
    reason: str


Test = Callable[[TimeBlock], str | None]  # what matched, or None


def all_rules(store: Store) -> list[Rule]:
    """The rules in order, seeding the defaults the first time."""
    if store.scalar("SELECT value FROM calendar_settings WHERE key = 'rules_seeded'") is None:
        with store.tx():
            _write(store, [Rule(i, d, k, p) for i, (d, k, p) in enumerate(DEFAULTS, start=1)])
    rows = store.query(
        "SELECT position, domain, kind, pattern FROM calendar_rules ORDER BY position"
    )
    return [Rule(*row) for row in rows]


def _write(store: Store, rules: Sequence[Rule]) -> None:
    store.execute("DELETE FROM calendar_rules")
    now = clock.to_text(clock.now())
    store.conn.executemany(
        "INSERT INTO calendar_rules (position, domain, kind, pattern, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [(i, r.domain, r.kind, r.pattern, now) for i, r in enumerate(rules, start=1)],
    )
    store.execute("INSERT OR REPLACE INTO calendar_settings VALUES ('rules_seeded', '1')")


def add(store: Store, domain: str, kind: str, pattern: str = "", *, at: int = 1) -> Rule:
    """Add a rule at position `at` (default 1: your rules come before the defaults)."""
    domain, kind, pattern = domain.strip().lower(), kind.strip().lower(), pattern.strip()
    _check(store, domain, kind, pattern)
    rules = all_rules(store)
    if not 1 <= at <= len(rules) + 1:
        raise InvalidInput(f"There is no position {at}.", f"Choose 1 to {len(rules) + 1}.")
    rules.insert(at - 1, Rule(at, domain, kind, pattern))
    with store.tx():
        _write(store, rules)
    return all_rules(store)[at - 1]


def _check(store: Store, domain: str, kind: str, pattern: str) -> None:
    if domain not in DOMAINS:
        raise InvalidInput(
            f"Unknown domain {domain!r}.", field="domain", expected=f"one of {', '.join(DOMAINS)}"
        )
    if kind not in KINDS:
        raise InvalidInput(
            f"Unknown rule kind {kind!r}.", field="kind", expected=f"one of {', '.join(KINDS)}"
        )
    if kind != "all-day" and not _parts(pattern):
        raise InvalidInput(
            f"A {kind} rule needs a pattern.",
            field=kind,
            expected="words to match, separated by commas",
            example="dinner, date",
        )
    if kind == "person" and pattern != "*":
        for name in _parts(pattern):
            people.get(store, name)


def remove(store: Store, position: int) -> Rule:
    """Remove the rule at a position (as the list of rules numbers them)."""
    rules = all_rules(store)
    if not 1 <= position <= len(rules):
        raise NotFound(f"There is no rule #{position}.", step=Step.LIST_CALENDAR_RULES)
    gone = rules.pop(position - 1)
    with store.tx():
        _write(store, rules)
    return gone


def reset(store: Store) -> list[Rule]:
    """Replace every rule with the defaults."""
    with store.tx():
        _write(store, [Rule(i, d, k, p) for i, (d, k, p) in enumerate(DEFAULTS, start=1)])
    return all_rules(store)


def _parts(pattern: str) -> list[str]:
    return [p.strip() for p in pattern.split(",") if p.strip()]


def _words(parts: Sequence[str]) -> re.Pattern[str]:
    """Whole words or phrases, case-insensitive (edges need not be letters: '1:1', '@x')."""
    alternatives = "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


class Classifier:
    """Rules compiled once, with the people in tarry, for classifying many blocks fast."""

    def __init__(self, rules: Sequence[Rule], known: dict[str, str]) -> None:
        self.rules = list(rules)
        self.known = known  # lower-case name or alias -> the person's name
        self.tests = [self._compile(rule) for rule in self.rules]
        self.seen: dict[tuple[object, ...], Match] = {}

    def classify(self, block: TimeBlock) -> Match:
        # The instances of a series share what the rules look at: judge each content once.
        key = (block.calendar, block.summary, block.description, *block.attendees, block.all_day)
        found = self.seen.get(key)
        if found is None:
            found = self.seen[key] = self._judge(block)
        return found

    def _judge(self, block: TimeBlock) -> Match:
        for rule, test in zip(self.rules, self.tests, strict=True):
            seen = test(block)
            if seen is not None:
                return Match(rule.domain, rule, seen)
        return Match("other", None, "no rule matched")

    def _compile(self, rule: Rule) -> Test:
        parts = _parts(rule.pattern)
        if rule.kind == "all-day":
            return lambda b: "an all-day event" if b.all_day else None
        if rule.kind == "keyword":
            return _keyword_test(_words(parts))
        if rule.kind == "calendar":
            return _calendar_test([p.lower() for p in parts])
        if rule.kind == "attendee":
            return _attendee_test([p.lower() for p in parts])
        names = self.known if parts == ["*"] else self._only({p.lower() for p in parts})
        return _person_test(names)

    def _only(self, wanted: set[str]) -> dict[str, str]:
        """The names and aliases of the people a person rule names."""
        chosen = {v for k, v in self.known.items() if k in wanted}
        return {k: v for k, v in self.known.items() if v in chosen}


def _keyword_test(words: re.Pattern[str]) -> Test:
    def test(block: TimeBlock) -> str | None:
        found = words.search(block.summary) or words.search(block.description)
        return f"keyword {found[0]!r}" if found else None

    return test


def _calendar_test(globs: list[str]) -> Test:
    def test(block: TimeBlock) -> str | None:
        name = block.calendar.lower()
        return (
            f"calendar {block.calendar!r}"
            if any(fnmatch.fnmatchcase(name, g) for g in globs)
            else None
        )

    return test


def _attendee_test(parts: list[str]) -> Test:
    def test(block: TimeBlock) -> str | None:
        for who in block.attendees:
            if any(p in who.lower() for p in parts):
                return f"attendee {who!r}"
        return None

    return test


def _person_test(known: dict[str, str]) -> Test:
    summary_names = _words(list(known)) if known else None

    def test(block: TimeBlock) -> str | None:
        for who in block.attendees:
            name, _, email = who.partition(" <")
            for text in (name, email.rstrip(">"), who):
                if text.lower() in known:
                    return f"attendee {who!r} is {known[text.lower()]}"
        found = summary_names.search(block.summary) if summary_names else None
        return f"{known[found[0].lower()]} named in the summary" if found else None

    return test


def known_people(store: Store) -> dict[str, str]:
    """Every name and alias in tarry, lower-cased, pointing to the person's name."""
    found: dict[str, str] = {}
    for person in people.all_people(store):
        for text in (person.name, *person.aliases):
            found[text.strip().lower()] = person.name
    return found


def classifier(store: Store) -> Classifier:
    return Classifier(all_rules(store), known_people(store))
