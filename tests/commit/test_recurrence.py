"""Recurrence: friendly phrases and raw RRULEs for commitments."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from tarry.base.errors import InvalidInput
from tarry.commit import recurrence

START = datetime(2026, 11, 19, 19, 0)


@pytest.mark.parametrize(
    ("text", "rule", "at"),
    [
        ("thursday 19:00", "FREQ=WEEKLY;BYDAY=TH", time(19, 0)),
        ("every Thursday at 7pm", "FREQ=WEEKLY;BYDAY=TH", time(19, 0)),
        ("thursdays 19", "FREQ=WEEKLY;BYDAY=TH", time(19, 0)),
        ("mon,wed,fri 7:30", "FREQ=WEEKLY;BYDAY=MO,WE,FR", time(7, 30)),
        ("weekdays 8:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", time(8, 0)),
        ("day 21:30", "FREQ=DAILY", time(21, 30)),
        ("every 2 weeks on saturday 10:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA", time(10, 0)),
        ("first sunday 11:00", "FREQ=MONTHLY;BYDAY=1SU", time(11, 0)),
        ("last friday", "FREQ=MONTHLY;BYDAY=-1FR", None),
        ("12am sun", "FREQ=WEEKLY;BYDAY=SU", time(0, 0)),
    ],
)
def test_parse_every(text: str, rule: str, at: time | None) -> None:
    assert recurrence.parse_every(text) == (rule, at)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fortnightly", "Cannot read the recurrence 'fortnightly'"),
        ("19:00", "names no day or period"),
        ("thursday 25:00", "Cannot read the time '25:00'"),
    ],
)
def test_parse_every_refuses(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        recurrence.parse_every(text)
    assert caught.value.hint  # every refusal says what to write instead


def test_normalise_rule() -> None:
    assert recurrence.normalise_rule(" rrule:freq=weekly;byday=th ") == "FREQ=WEEKLY;BYDAY=TH"
    # TZ is UTC in tests, so the local wall time of a UTC UNTIL is the same clock time.
    until = recurrence.normalise_rule("FREQ=DAILY;UNTIL=20261201T180000Z")
    assert until == "FREQ=DAILY;UNTIL=20261201T180000"
    for bad in ("", "DTSTART:20260101T100000\nRRULE:FREQ=DAILY"):
        with pytest.raises(InvalidInput, match="Invalid RRULE"):
            recurrence.normalise_rule(bad)


def test_build_rule_names_the_rule_and_gives_an_example() -> None:
    with pytest.raises(InvalidInput) as caught:
        recurrence.build_rule("FREQ=WEEKLY;BYDAY=XX", START)
    assert "Invalid RRULE 'FREQ=WEEKLY;BYDAY=XX'" in caught.value.message
    assert (caught.value.field, caught.value.example) == ("rrule", "FREQ=WEEKLY;BYDAY=TH")
    with pytest.raises(InvalidInput, match="more often than daily"):
        recurrence.build_rule("FREQ=HOURLY", START)
    rule = recurrence.build_rule("FREQ=WEEKLY;BYDAY=TH", START)
    assert rule.after(START) == datetime(2026, 11, 26, 19, 0)


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("FREQ=WEEKLY;BYDAY=TH", "every Thu 19:00"),
        ("FREQ=WEEKLY;BYDAY=MO,WE", "every Mon, Wed 19:00"),
        ("FREQ=WEEKLY", "every Thu 19:00"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=SA", "every 2 weeks on Sat 19:00"),
        ("FREQ=MONTHLY;BYDAY=1SU", "the first Sun of every month 19:00"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "the last Fri of every month 19:00"),
        ("FREQ=DAILY", "every day 19:00"),
        ("FREQ=DAILY;INTERVAL=3", "every 3 days 19:00"),
        ("FREQ=YEARLY;BYMONTH=2", "FREQ=YEARLY;BYMONTH=2 19:00"),
    ],
)
def test_describe(rule: str, text: str) -> None:
    assert recurrence.describe(rule, START) == text


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=SOMETIMES", "FREQ=SOMETIMES is not a frequency"),
        ("BYDAY=TH", "FREQ is missing"),
        ("FREQ=WEEKLY;BYDAY=XX", "BYDAY=XX has 'XX', not a day"),
        ("FREQ=WEEKLY;BYDAY=TH,FRI", "BYDAY=TH,FRI has 'FRI'"),
        ("FREQ=DAILY;COUNT=0", "COUNT=0 must be a whole number from 1 to 2147483647"),
        ("FREQ=DAILY;UNTIL=20200101T000000Z", "UNTIL=20200101T000000 is in the past"),
        ("FREQ=DAILY;UNTIL=20261340", "UNTIL=20261340 is not a real date"),
        ("FREQ=SECONDLY", "more often than daily \\(FREQ=SECONDLY\\)"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "BYMONTHDAY=30 never falls in BYMONTH=2"),
        ("FREQ=WEEKLY;INTERVAL=99999999999999999999", "INTERVAL=99999999999999999999 must be"),
        ("FREQ=WEEKLY;INTERVAL=105", "INTERVAL=105 is more than two years apart"),
        ("FREQ=WEEKLY;INTERVAL=-1", "INTERVAL=-1 must be a whole number"),
        ("FREQ=WEEKLY;BYDAY=TH;BYDAY=FR", "BYDAY is given twice"),
        ("FREQ=DAILY;BYHOUR=24", "BYHOUR has '24', outside 0 to 23"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20271231", "COUNT and UNTIL cannot both be given"),
        ("FREQ=DAILY;BYNOTHING=1", "unknown part 'BYNOTHING'"),
        ("FREQ=DAILY;COUNT", "'COUNT' is not NAME=VALUE"),
    ],
)
def test_normalise_rule_names_the_part_at_fault(rule: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        recurrence.normalise_rule(rule)
    assert caught.value.hint or caught.value.example


def test_repeated_part_hint_joins_the_values() -> None:
    with pytest.raises(InvalidInput) as caught:
        recurrence.normalise_rule("FREQ=WEEKLY;BYDAY=TH;BYDAY=FR")
    assert caught.value.hint == "Join the values in one part, e.g. BYDAY=TH,FR."


@pytest.mark.parametrize(
    "rule", ["FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=MONTHLY;BYMONTHDAY=-1;INTERVAL=24"]
)
def test_normalise_rule_keeps_valid_rules(rule: str) -> None:
    assert recurrence.normalise_rule(rule) == rule
