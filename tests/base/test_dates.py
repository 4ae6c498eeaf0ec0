"""The one reader of dates and times: the phrases it suggests, the person's order, clear errors."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tarry.base import clock, dates
from tarry.base.errors import InvalidInput

NOW = datetime(2026, 11, 19, 12, 0, tzinfo=UTC)  # a Thursday (TZ=UTC in every test)


def at(text: str, prefer: str = "past") -> datetime:
    return dates.read_time(text, now=NOW, prefer=prefer).astimezone(UTC).replace(tzinfo=None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", datetime(2026, 11, 19, 12, 0)),
        ("2026-11-24", datetime(2026, 11, 24, 0, 0)),
        ("2026-11-24 19:00", datetime(2026, 11, 24, 19, 0)),
        ("2026-11-24T19:00:00Z", datetime(2026, 11, 24, 19, 0)),
        ("2026-11-24T19:00:00+01:00", datetime(2026, 11, 24, 18, 0)),
        ("2026-11-24 7pm", datetime(2026, 11, 24, 19, 0)),
        ("19:00", datetime(2026, 11, 19, 19, 0)),
        ("7pm", datetime(2026, 11, 19, 19, 0)),
        ("7:30 PM", datetime(2026, 11, 19, 19, 30)),
        ("12am", datetime(2026, 11, 19, 0, 0)),
        ("19h30", datetime(2026, 11, 19, 19, 30)),
        ("today", datetime(2026, 11, 19, 0, 0)),
        ("yesterday 19:00", datetime(2026, 11, 18, 19, 0)),
        ("Yesterday at 7pm", datetime(2026, 11, 18, 19, 0)),
        ("tomorrow 8:00", datetime(2026, 11, 20, 8, 0)),
        ("last friday", datetime(2026, 11, 13, 0, 0)),
        ("last thursday 19:00", datetime(2026, 11, 12, 19, 0)),
        ("friday", datetime(2026, 11, 13, 0, 0)),
        ("thursday", datetime(2026, 11, 19, 0, 0)),
        ("next monday", datetime(2026, 11, 23, 0, 0)),
        ("this monday", datetime(2026, 11, 16, 0, 0)),
        ("mon 9:00", datetime(2026, 11, 16, 9, 0)),
        ("2h ago", datetime(2026, 11, 19, 10, 0)),
        ("45 min ago", datetime(2026, 11, 19, 11, 15)),
        ("1h30m ago", datetime(2026, 11, 19, 10, 30)),
        ("3 days ago", datetime(2026, 11, 16, 12, 0)),
        ("24 november", datetime(2025, 11, 24, 0, 0)),  # the one before now
        ("12 November", datetime(2026, 11, 12, 0, 0)),
        ("nov 12 2026 18:30", datetime(2026, 11, 12, 18, 30)),
        ("March 3rd, 2026", datetime(2026, 3, 3, 0, 0)),
        ("24/11/2026", datetime(2026, 11, 24, 0, 0)),  # only one order gives a real date
        ("11/24/2026", datetime(2026, 11, 24, 0, 0)),
        ("24.11.26 19:00", datetime(2026, 11, 24, 19, 0)),
        ("2026/11/24", datetime(2026, 11, 24, 0, 0)),
        ("5/5/2026", datetime(2026, 5, 5, 0, 0)),  # both orders agree
    ],
)
def test_what_it_reads(text: str, expected: datetime) -> None:
    assert at(text) == expected


def test_a_time_to_come_reads_forward() -> None:
    assert at("friday 19:00", prefer="future") == datetime(2026, 11, 20, 19, 0)
    assert at("thursday 19:00", prefer="future") == datetime(2026, 11, 19, 19, 0)
    assert at("3 march", prefer="future") == datetime(2027, 3, 3, 0, 0)


@pytest.mark.parametrize(
    ("order", "expected"), [("dmy", date(2026, 3, 12)), ("mdy", date(2026, 12, 3))]
)
def test_numbers_only_follow_the_persons_order(
    monkeypatch: pytest.MonkeyPatch, order: str, expected: date
) -> None:
    monkeypatch.setenv("TARRY_DATE_ORDER", order)
    assert at("12/03/2026").date() == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en_GB.UTF-8", date(2026, 3, 12)), ("en_US.UTF-8", date(2026, 12, 3)),
     ("de_DE", date(2026, 3, 12))],
)  # fmt: skip
def test_the_order_comes_from_the_locale(
    monkeypatch: pytest.MonkeyPatch, locale: str, expected: date
) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_TIME", raising=False)
    monkeypatch.setenv("LANG", locale)
    assert at("12/03/2026").date() == expected


def test_an_ambiguous_date_with_no_order_names_both_readings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("LC_ALL", "LC_TIME", "TARRY_DATE_ORDER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    with pytest.raises(InvalidInput) as caught:
        at("12/03/2026")
    assert caught.value.message == (
        "'12/03/2026' could be 12 March 2026 (day/month/year) or 3 December 2026 (month/day/year)."
    )
    assert "TARRY_DATE_ORDER" in str(caught.value.hint)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30", "Cannot read the time '2026-02-30': there is no 30 February 2026."),
        ("30/02/2026", "Cannot read the time '30/02/2026': it is not a real date in either order."),
        ("2026-13-01", "Cannot read the time '2026-13-01': there is no month 13."),
        ("25:00", "Cannot read the time '25:00': 25:00 is not a time of day."),
        ("13pm", "Cannot read the time '13pm': 13 pm is not a time."),
        ("someday", "Cannot read the time 'someday'."),
        ("2 fortnights ago", "Cannot read the time '2 fortnights ago'."),
        ("", "Cannot read the time ''."),
    ],
)
def test_what_it_refuses_is_said_plainly(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        at(text)
    assert caught.value.message == message
    assert caught.value.field == "at" and caught.value.example == "yesterday 19:00"


def test_every_phrase_it_suggests_is_one_it_reads() -> None:
    for phrase in dates.EXAMPLES.split(", "):
        assert at(phrase)


def test_clock_parse_and_days_for_an_occurrence() -> None:
    assert clock.parse("yesterday 19:00").hour == 19
    assert dates.read_day("yesterday", now=NOW) == date(2026, 11, 18)
    assert dates.read_day("last thursday 19:00", now=NOW) == datetime(2026, 11, 12, 19, 0)


def test_the_cli_reads_the_phrases_it_suggests(cli) -> None:
    assert cli("people", "add", "Sam").code == 0
    logged = cli("log", "--with", "Sam", "--at", "yesterday 19:00")
    assert logged.code == 0, logged.stderr
    bad = cli("commit", "add", "Dinner", "--every", "thursday 19:00")
    assert bad.code == 0, bad.stderr
    impossible = cli("commit", "mark", "1", "kept", "--date", "2026-02-30")
    assert impossible.code == 2 and "Traceback" not in impossible.stderr
    assert impossible.stderr.splitlines()[:2] == [
        "error: Cannot read the time '2026-02-30': there is no 30 February 2026.",
        "--date: a date or time such as " + dates.EXAMPLES + ", e.g. --date 'yesterday 19:00'.",
    ]
    skipped = cli("commit", "mark", "1", "skipped", "--date", "thursday")
    assert skipped.code == 0, skipped.stderr
