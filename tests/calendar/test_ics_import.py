"""Calendar import: expansion, zones, cancelled instances, idempotent re-import, bad input."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tarry.base.errors import FormatError, InvalidInput, NotFound
from tarry.calendar import blocks
from tarry.calendar.expand import Window
from tarry.calendar.ics_import import import_calendar
from tarry.store import Store

DATA = Path(__file__).parents[1] / "data" / "calendar"
WEEK = Window(datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC))


def rows(store: Store) -> list[tuple[str, str, str, str, bool]]:
    """(calendar, summary, start, end, all day) per block, times as 'MM-DDTHH:MM' in UTC."""
    return [
        (b.calendar, b.summary, f"{b.starts_at:%m-%dT%H:%M}", f"{b.ends_at:%m-%dT%H:%M}", b.all_day)
        for b in blocks.between(store)
    ]


HOME = [
    ("Home", "Workshop on long-folded lines", "11-16T08:00", "11-16T10:00", False),
    ("Home", "Standup", "11-16T08:30", "11-16T08:45", False),
    ("Home", "Dinner with Sam", "11-17T18:00", "11-17T20:00", False),
    ("Home", "Gym", "11-18T07:00", "11-18T08:00", False),
    ("Home", "Public holiday", "11-19T00:00", "11-20T00:00", True),
    ("Home", "Project sync", "11-19T14:00", "11-19T15:00", False),
    ("Home", "Standup (moved)", "11-20T10:30", "11-20T11:00", False),
    ("Home", "Standup", "11-21T09:00", "11-21T09:15", False),
    ("Home", "Standup", "11-25T08:30", "11-25T08:45", False),
    ("Home", "Standup", "11-27T08:30", "11-27T08:45", False),
]


def test_home_calendar_is_expanded_exactly(store: Store) -> None:
    result = import_calendar(store, DATA / "home.ics")
    # RRULE with EXDATE (18th), RDATE (21st), a moved instance (20th) and a cancelled one (23rd);
    # Berlin times and the custom "Office Time" zone in UTC; the floating Gym at local (UTC) time;
    # the cancelled lunch and the 2020 event (outside the window) are not there.
    assert rows(store) == HOME
    assert (result.added, result.updated, result.removed, result.unchanged) == (10, 0, 0, 0)
    assert result.calendars == ["Home"] and result.warnings == []
    dinner = blocks.between(store)[2]
    assert dinner.description == "Phone-free, at home.\nBring bread."
    sync = blocks.between(store)[5]
    assert sync.attendees == ["Ana Client <ana@client.example>", "Sam K <sam@home.example>"]


def test_expansion_agrees_with_recurring_ical_events(store: Store) -> None:
    """The field's library, as an oracle: same instances, same times."""
    icalendar = pytest.importorskip("icalendar")
    recurring = pytest.importorskip("recurring_ical_events")
    cal = icalendar.Calendar.from_ical((DATA / "home.ics").read_bytes())
    since, until = datetime(2024, 11, 19, tzinfo=UTC), datetime(2027, 11, 20, tzinfo=UTC)
    expected = sorted(
        (_utc(e["DTSTART"].dt), str(e["SUMMARY"]))
        for e in recurring.of(cal).between(since, until)
        if str(e.get("STATUS", "")) != "CANCELLED"
    )
    import_calendar(store, DATA / "home.ics")
    assert (
        sorted((b.starts_at.astimezone(UTC), b.summary) for b in blocks.between(store)) == expected
    )


def _utc(value: object) -> datetime:
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)  # type: ignore[attr-defined]
    return value.astimezone(UTC)


def test_reimport_changes_nothing(store: Store) -> None:
    import_calendar(store, DATA / "home.ics")
    again = import_calendar(store, DATA / "home.ics")
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 10)
    assert rows(store) == HOME


def test_updated_calendar_replaces_changed_and_removes_gone(store: Store) -> None:
    import_calendar(store, DATA / "home.ics")
    result = import_calendar(store, DATA / "home-updated.ics")
    # Dinner moved to 20:00 (updated); COUNT=4 drops the 25th and 27th; Gym is gone; coffee is new.
    assert (result.added, result.updated, result.removed, result.unchanged) == (1, 1, 3, 6)
    summaries = [(r[1], r[2][:16]) for r in rows(store)]
    assert ("Dinner with Sam", "11-17T19:00") in summaries
    assert ("Coffee with Ana", "11-18T16:00") in summaries
    assert "Gym" not in [s for s, _ in summaries]
    assert len(summaries) == 8


def test_reimport_leaves_time_outside_the_window_alone(store: Store) -> None:
    import_calendar(store, DATA / "home.ics")
    result = import_calendar(store, DATA / "home-updated.ics", window=WEEK)
    assert "2020-01-01" not in str(rows(store))
    narrow = Window(datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 17, tzinfo=UTC))
    again = import_calendar(store, DATA / "home.ics", window=narrow)
    # Only the 16th is looked at: its two blocks are unchanged, nothing else is touched.
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 2)
    assert result.removed == 3


def test_caldav_folder_with_a_duplicate_across_files(store: Store) -> None:
    result = import_calendar(store, DATA / "caldav" / "work")
    assert result.calendars == ["work"] and result.files == 3 and result.duplicates == 1
    assert [(r[1], r[2]) for r in rows(store)] == [
        ("Planning", "11-16T08:00"),
        ("Planning", "11-17T08:00"),
        ("Quarterly review", "11-17T14:00"),  # SEQUENCE:1 wins over the older copy
        ("Planning", "11-18T08:00"),
    ]


def test_calendar_name_option_and_two_calendars(store: Store) -> None:
    import_calendar(store, DATA / "home.ics", calendar="Personal")
    import_calendar(store, DATA / "caldav" / "work")
    assert [c["calendar"] for c in blocks.calendars(store)] == ["Personal", "work"]
    assert blocks.forget(store, "work") == 4
    with pytest.raises(NotFound):
        blocks.forget(store, "work")


def test_unknown_time_zone_falls_back_to_local_time_with_a_warning(store: Store) -> None:
    result = import_calendar(store, DATA / "unknown-tz.ics")
    assert rows(store) == [("unknown-tz", "Rover check", "11-18T10:00", "11-18T11:00", False)]
    assert len(result.warnings) == 1
    assert "line 7: unknown time zone 'Mars/Olympus Mons'" in result.warnings[0]


def test_absurd_recurrence_is_bounded_with_a_warning(store: Store) -> None:
    result = import_calendar(store, DATA / "absurd.ics", cap=500)
    assert store.scalar("SELECT COUNT(*) FROM time_blocks WHERE uid = 'every-second@test'") == 500
    # A rule that never matches still has its DTSTART instance (RFC 5545), and ends.
    assert store.scalar("SELECT starts_at FROM time_blocks WHERE uid = 'never@test'") == (
        "2026-01-01T00:00:00Z"
    )
    assert len(result.warnings) == 1 and "more than 500 instances" in result.warnings[0]


def test_daily_series_from_long_ago_reaches_the_window(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "old.ics"
    path.write_text(
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:d\nDTSTART:19950102T070000Z\nDURATION:PT30M\n"
        "RRULE:FREQ=DAILY\nSUMMARY:Run\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    result = import_calendar(store, path, window=WEEK, cap=100)
    assert result.warnings == [] and result.added == 14
    assert rows(store)[0][2] == "11-16T07:00"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("unclosed.ics", "unclosed.ics, line 8: found END:VCALENDAR, expected END:VEVENT."),
        ("bad-date.ics", "bad-date.ics, line 6: DTSTART: '20261318T100000Z' is not a real date"),
    ],
)
def test_malformed_files_name_the_line(store: Store, name: str, message: str) -> None:
    with pytest.raises(FormatError, match=message.replace("(", r"\(")) as caught:
        import_calendar(store, DATA / name)
    assert caught.value.path == str(DATA / name)


def event(*lines: str) -> bytes:
    return "\n".join(
        ["BEGIN:VCALENDAR", "BEGIN:VEVENT", *lines, "END:VEVENT", "END:VCALENDAR"]
    ).encode()


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        (b"hello", 1, "cannot read 'hello'"),
        (b"", None, "holds no BEGIN:VCALENDAR"),
        (event("SUMMARY:x"), 2, "no DTSTART"),
        (event("DTSTART:2026"), 3, "expected YYYYMMDD"),
        (event("DTSTART:20260101", "DURATION:P"), 4, "duration"),
        (event("DTSTART:20260101T000000Z", "RRULE:FREQ=NEVER"), 4, "RRULE"),
        (b"BEGIN:VCALENDAR\nEND:VEVENT\n", 2, "expected END:VCALENDAR"),
        (b"BEGIN:VCALENDAR\nBEGIN:VCALENDAR\n", 2, "inside another calendar"),
        (b"\xff\xfeB", None, "not UTF-8"),
    ],
)
def test_bad_bytes_are_format_errors(
    store: Store, tmp_path: Path, text: bytes, line: int | None, what: str
) -> None:
    path = tmp_path / "bad.ics"
    path.write_bytes(text)
    with pytest.raises(FormatError, match=what) as caught:
        import_calendar(store, path)
    assert caught.value.line == line


def test_a_bad_file_in_a_folder_changes_nothing(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(DATA / "home.ics", folder / "a.ics")
    shutil.copy(DATA / "bad-date.ics", folder / "b.ics")
    with pytest.raises(FormatError):
        import_calendar(store, folder)
    assert rows(store) == []


def test_missing_paths_and_empty_windows(store: Store, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="does not exist"):
        import_calendar(store, tmp_path / "nope.ics")
    with pytest.raises(NotFound, match=r"holds no \.ics files"):
        import_calendar(store, tmp_path)
    from tarry.calendar.ics_import import make_window

    with pytest.raises(InvalidInput, match="is empty"):
        make_window(datetime(2026, 1, 2, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=DAILY;COUNT=5;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=YEARLY;BYYEARDAY=366;BYMONTH=1",
        "FREQ=WEEKLY;BYDAY=MO;BYSETPOS=2",
        "FREQ=DAILY;BYHOUR=1;BYSETPOS=5",
    ],
)
def test_rules_that_never_occur_give_only_dtstart(store: Store, tmp_path: Path, rule: str) -> None:
    """dateutil would search up to the year 9999 for these; they are known empty first."""
    path = tmp_path / "never.ics"
    path.write_bytes(event("UID:n", "DTSTART:20261101T090000Z", "DURATION:PT1H", f"RRULE:{rule}"))
    result = import_calendar(store, path)
    assert (result.added, result.warnings) == (1, [])
    assert [r[2] for r in rows(store)] == ["11-01T09:00"]


@pytest.mark.parametrize(
    ("lines", "what"),
    [
        (("DTSTART:99991231T230000Z", "DURATION:PT2H"), "out of range"),
        (("DTSTART:20260101T000000Z", "DURATION:P999999999D"), "out of range"),
        (("DTSTART:20260101T000000Z", "RRULE:FREQ=DAILY;INTERVAL=0"), "INTERVAL=0 is out of range"),
        (("DTSTART:20260101T000000Z", "RRULE:FREQ=DAILY;BYHOUR=25"), "BYHOUR=25 is out of range"),
        (("DTSTART:20260101T000000Z", "RRULE:FREQ=DAILY;UNTIL=2026"), "RRULE"),
    ],
)
def test_values_out_of_range(store: Store, tmp_path: Path, lines: tuple, what: str) -> None:
    path = tmp_path / "range.ics"
    path.write_bytes(event("UID:r", *lines))
    with pytest.raises(FormatError, match=what):
        import_calendar(store, path)


@pytest.mark.parametrize(
    ("header", "start"),
    [
        ("X-WR-TIMEZONE:Europe/Berlin", "DTSTART:20261118T100000"),  # floating, calendar zone
        ("X-WR-CALNAME:Outlook", "DTSTART;TZID=W. Europe Standard Time:20261118T100000"),
        (
            "X-WR-CALNAME:Lightning",
            "DTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20261118T100000",
        ),
    ],
)
def test_zone_spellings(store: Store, tmp_path: Path, header: str, start: str) -> None:
    path = tmp_path / "zones.ics"
    lines = ["BEGIN:VCALENDAR", header, "BEGIN:VEVENT", "UID:z", start, "DURATION:PT1H"]
    path.write_text("\n".join([*lines, "END:VEVENT", "END:VCALENDAR"]))
    result = import_calendar(store, path)
    assert result.warnings == []
    assert [(r[2], r[3]) for r in rows(store)] == [("11-18T09:00", "11-18T10:00")]
