"""The expansion agrees with recurring-ical-events (the field's library) on varied series."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tarry.calendar import blocks
from tarry.calendar.expand import Window
from tarry.calendar.ics_import import import_calendar
from tarry.store import Store

icalendar = pytest.importorskip("icalendar")
recurring = pytest.importorskip("recurring_ical_events")

WINDOW = Window(datetime(2025, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
RULES = [
    "FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=40",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20260601T000000Z",
    "FREQ=MONTHLY;BYMONTHDAY=31",
    "FREQ=MONTHLY;BYDAY=-1FR;COUNT=12",
    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1",
    "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20250415T090000",
    "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "FREQ=HOURLY;INTERVAL=7;COUNT=30",
    "FREQ=DAILY;INTERVAL=3",
]


def series_calendar(seed: int) -> str:
    """Series across both DST changes, in a zone, in UTC, floating and all day."""
    rng = random.Random(seed)
    events = []
    for index, rule in enumerate(RULES * 3):
        start = datetime(2025, 1, 6, 9) + timedelta(days=rng.randrange(500), hours=rng.randrange(8))
        form = index % 4
        if form == 0:
            when = f"DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT%H%M%S}"
        elif form == 1:
            when = f"DTSTART:{start:%Y%m%dT%H%M%S}Z"
            rule = rule.replace("UNTIL=20250415T090000", "UNTIL=20250415T090000Z")
        elif form == 2:
            when = f"DTSTART:{start:%Y%m%dT%H%M%S}"
            rule = rule.replace("UNTIL=20260601T000000Z", "UNTIL=20260601T000000")
        else:
            when = f"DTSTART;VALUE=DATE:{start:%Y%m%d}"
            rule = rule.replace("T000000Z", "").replace("T090000", "").replace("HOURLY", "DAILY")
        skipped = start + timedelta(days=7)
        if form == 3:
            ex = f"EXDATE;VALUE=DATE:{skipped:%Y%m%d}"
        else:
            ex = when.split(":")[0].replace("DTSTART", "EXDATE") + f":{skipped:%Y%m%dT%H%M%S}"
            ex += "Z" if form == 1 else ""
        length = "P1D" if form == 3 else "PT45M"
        events.append(
            f"BEGIN:VEVENT\nUID:s{index}\nDTSTAMP:20250101T000000Z\n{when}\nDURATION:{length}\n"
            f"RRULE:{rule}\n{ex}\nSUMMARY:Series {index}\nEND:VEVENT"
        )
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//t//EN\n"
        + "\n".join(events)
        + "\nEND:VCALENDAR\n"
    )


def _utc(value: object) -> datetime:
    if not isinstance(value, datetime):
        assert isinstance(value, date)
        value = datetime(value.year, value.month, value.day)
    return value.astimezone(UTC)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_instances_as_recurring_ical_events(store: Store, tmp_path: Path, seed: int) -> None:
    text = series_calendar(seed)
    path = tmp_path / "series.ics"
    path.write_text(text)
    cal = icalendar.Calendar.from_ical(text)
    expected = sorted(
        (str(e["UID"]), _utc(e["DTSTART"].dt), _utc(e["DTEND"].dt))
        for e in recurring.of(cal).between(WINDOW.since, WINDOW.until)
        if WINDOW.since <= _utc(e["DTSTART"].dt)
    )
    result = import_calendar(store, path, window=WINDOW)
    got = sorted(
        (b.key.split("|")[0], b.starts_at.astimezone(UTC), b.ends_at.astimezone(UTC))
        for b in blocks.between(store)
    )
    assert result.warnings == []
    assert len(got) > 300
    assert got == expected
