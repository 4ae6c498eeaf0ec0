"""Export: commitments as RFC 5545 with RRULE, checked by icalendar and by re-importing them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from tarry.base import clock
from tarry.base.errors import InvalidInput
from tarry.calendar import blocks, export
from tarry.calendar.expand import Window
from tarry.calendar.ics_import import import_calendar
from tarry.commit import commitments
from tarry.declare import people
from tarry.store import Store

WINDOW = Window(datetime(2026, 11, 1, tzinfo=UTC), datetime(2027, 3, 1, tzinfo=UTC))


@pytest.fixture
def committed(store: Store) -> Store:
    people.add(store, "Sam", relation="partner")
    commitments.add(
        store,
        "Phone-free dinner with Sam",
        every="thursday 19:00",
        duration_min=120,
        people_names=["Sam"],
        practices="priority+depth",
        note="No screens, \\ no shop talk; really.",
    )
    commitments.add(
        store,
        "Morning pages",
        rrule="FREQ=DAILY;UNTIL=20261125T070000Z",
        start=clock.parse("2026-11-20 07:00"),
        duration_min=20,
        practices="inner",
    )
    return store


def events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_one_event_per_commitment_with_its_rule(committed: Store) -> None:
    data = export.export_ics(committed, zone="Europe/Berlin")
    dinner, pages = sorted(events(data), key=lambda e: str(e["SUMMARY"]), reverse=True)
    assert dinner["DTSTART"].dt == datetime(2026, 11, 19, 19, tzinfo=ZoneInfo("Europe/Berlin"))
    assert dinner["DURATION"].dt == timedelta(hours=2)
    assert dinner["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=TH"
    assert dinner["UID"] == "commitment-1-20261119T120000Z@tarry"
    assert dinner["DTSTAMP"].dt == datetime(2026, 11, 19, 12, tzinfo=UTC)
    assert [str(c) for c in dinner.categories] == ["depth", "priority"]
    assert str(dinner["DESCRIPTION"]).splitlines() == [
        "With Sam.",
        "Practice: depth: choose depth over comfort in a conversation, even when comfort is"
        " available.",
        "Practice: priority: choose an evening of real conversation over another hour of work.",
        "No screens, \\ no shop talk; really.",
        "Protected time, from tarry.",
    ]
    # UNTIL was stored as local wall time; with a zoned DTSTART it must be UTC.
    assert pages["RRULE"].to_ical() == b"FREQ=DAILY;UNTIL=20261125T060000Z"
    cal = icalendar.Calendar.from_ical(data)
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert str(cal["X-WR-CALNAME"]) == "tarry: protected time"


def test_export_is_stable(committed: Store) -> None:
    assert export.export_ics(committed) == export.export_ics(committed)


@pytest.mark.parametrize(
    ("options", "tz"), [({}, UTC), ({"zone": "America/New_York"}, None), ({"floating": True}, None)]
)
def test_round_trip_gives_the_same_times(committed: Store, options: dict, tz: object) -> None:
    """commitment -> .ics -> import: the same local wall times as the commitments' occurrences."""
    path = committed.home / "protected.ics"
    path.write_bytes(export.export_ics(committed, **options))
    result = import_calendar(committed, path, window=WINDOW)
    assert result.warnings == []
    expected = [
        (o.title, o.scheduled_at, o.ends_at)
        for o in commitments.occurrences(committed, WINDOW.since, WINDOW.until)
    ]
    zone = ZoneInfo(options["zone"]) if "zone" in options else None
    got = [
        (b.summary, _wall(b.starts_at, zone), _wall(b.ends_at, zone))
        for b in blocks.between(committed)
    ]
    assert sorted(got) == sorted(expected)
    assert len(got) == 15 + 6  # 15 Thursdays in the window, 6 mornings (20th to 25th)


def _wall(moment: datetime, zone: ZoneInfo | None) -> datetime:
    return (moment.astimezone(zone) if zone else moment.astimezone()).replace(tzinfo=None)


def test_retired_commitment_keeps_its_past(committed: Store) -> None:
    commitments.end(committed, "Phone-free dinner with Sam", at=clock.parse("2026-12-04 12:00"))
    dinner = next(e for e in events(export.export_ics(committed)) if "dinner" in str(e["SUMMARY"]))
    assert dinner["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=3;BYDAY=TH"  # 19 Nov, 26 Nov, 3 Dec


def test_floating_times(committed: Store) -> None:
    dinner = events(export.export_ics(committed, floating=True))[1]
    assert dinner["DTSTART"].dt == datetime(2026, 11, 19, 19)
    assert b"VTIMEZONE" not in export.export_ics(committed, floating=True)


def test_empty_store_exports_a_valid_empty_calendar(store: Store) -> None:
    cal = icalendar.Calendar.from_ical(export.export_ics(store))
    assert cal.walk("VEVENT") == [] and str(cal["VERSION"]) == "2.0"


def test_unknown_zone(committed: Store) -> None:
    with pytest.raises(InvalidInput, match="Unknown time zone 'Mars/Base'"):
        export.export_ics(committed, zone="Mars/Base")


def test_local_zone_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TZ", ":Europe/Berlin")
    assert export.local_zone_name() == "Europe/Berlin"
    monkeypatch.setenv("TZ", "Nowhere/Special")
    assert export.local_zone_name() in (None, str(Path("/etc/localtime").resolve()).partition(
        "zoneinfo/")[2])  # fmt: skip
