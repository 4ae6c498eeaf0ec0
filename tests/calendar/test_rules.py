"""Classification rules: defaults, editing, people as attendees, and the explanation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tarry.base.errors import InvalidInput, NotFound
from tarry.calendar import rules
from tarry.calendar.blocks import TimeBlock
from tarry.declare import people
from tarry.store import Store

NOON = datetime(2026, 11, 19, 12, tzinfo=UTC)


def block(
    summary: str,
    *,
    calendar: str = "Home",
    attendees: tuple[str, ...] = (),
    description: str = "",
    all_day: bool = False,
) -> TimeBlock:
    return TimeBlock(
        0, "k", calendar, summary, description, "", list(attendees), NOON, NOON, all_day, False
    )


def judge(store: Store, b: TimeBlock) -> tuple[str, int | None, str]:
    match = rules.classifier(store).classify(b)
    return match.domain, match.rule.position if match.rule else None, match.reason


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (block("Public holiday", all_day=True), ("other", 1, "an all-day event")),
        (block("Lunch", calendar="Work (Acme)"), ("work", 2, "calendar 'Work (Acme)'")),
        (block("Sprint planning"), ("work", 4, "keyword 'Sprint'")),
        (block("1:1 with lead"), ("work", 4, "keyword '1:1'")),
        (block("Dinner"), ("connection", 5, "keyword 'Dinner'")),
        (block("Call", description="Call with Mum"), ("connection", 5, "keyword 'Call with'")),
        (block("Yoga"), ("solo", 6, "keyword 'Yoga'")),
        (block("Dentistry conference"), ("work", 4, "keyword 'conference'")),
        (block("Rerun the backups"), ("other", None, "no rule matched")),  # 'run' is a whole word
    ],
)
def test_default_rules(store: Store, given: TimeBlock, expected: tuple) -> None:
    assert judge(store, given) == expected


def test_known_people_by_attendee_alias_email_or_summary(store: Store) -> None:
    people.add(store, "Sam", aliases=["Sam K", "sam@home.example"])
    by_name = block("Project sync", attendees=("Sam K <sam@work.example>",))
    by_email = block("Standup", attendees=("SAM@home.example",))
    assert judge(store, by_name) == ("connection", 3, "attendee 'Sam K <sam@work.example>' is Sam")
    assert judge(store, by_email)[:2] == ("connection", 3)
    assert judge(store, block("Walk with sam")) == ("connection", 3, "Sam named in the summary")
    assert judge(store, block("Samba class"))[0] == "other"


def test_add_remove_reset(store: Store) -> None:
    people.add(store, "Ana")
    added = rules.add(store, "Solo", "Keyword", "  walk , run ")
    assert added == rules.Rule(1, "solo", "keyword", "walk , run")
    assert judge(store, block("Walk with Ana"))[:2] == ("solo", 1)
    rules.add(store, "connection", "person", "Ana", at=2)
    rules.add(store, "work", "attendee", "@acme.example", at=9)
    assert [(r.position, r.kind, r.domain) for r in rules.all_rules(store)][:2] == [
        (1, "keyword", "solo"),
        (2, "person", "connection"),
    ]
    assert rules.all_rules(store)[-1] == rules.Rule(9, "work", "attendee", "@acme.example")
    assert judge(store, block("Chat", attendees=("Bo <bo@acme.example>",)))[:2] == ("work", 9)
    assert rules.remove(store, 1).pattern == "walk , run"
    assert judge(store, block("Walk with Ana")) == ("connection", 1, "Ana named in the summary")
    assert len(rules.reset(store)) == len(rules.DEFAULTS)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("play", "keyword", "x"), InvalidInput, "Unknown domain 'play'"),
        (("work", "regex", "x"), InvalidInput, "Unknown rule kind 'regex'"),
        (("work", "keyword", " , "), InvalidInput, "needs a pattern"),
        (("connection", "person", "Zed"), NotFound, "No person called 'Zed'"),
    ],
)
def test_bad_rules_are_refused(store: Store, args: tuple, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        rules.add(store, *args)
    assert len(rules.all_rules(store)) == len(rules.DEFAULTS)


def test_positions_are_checked(store: Store) -> None:
    with pytest.raises(InvalidInput, match="no position 99"):
        rules.add(store, "work", "keyword", "x", at=99)
    with pytest.raises(NotFound, match="no rule #0"):
        rules.remove(store, 0)
