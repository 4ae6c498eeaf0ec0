"""The benchmark's generated calendar imports to exactly what recurring-ical-events says."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType

import pytest

from tarry.calendar import blocks
from tarry.calendar.ics_import import import_calendar
from tarry.store import Store

icalendar = pytest.importorskip("icalendar")
recurring = pytest.importorskip("recurring_ical_events")


def _bench() -> ModuleType:
    path = Path(__file__).parents[2] / "bench" / "bench_calendar.py"
    spec = importlib.util.spec_from_file_location("bench_calendar", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_calendar"] = module
    spec.loader.exec_module(module)
    return module


def _utc(value: object) -> datetime:
    if not isinstance(value, datetime):
        assert isinstance(value, date)
        value = datetime(value.year, value.month, value.day)
    return value.astimezone(UTC)


def test_generated_calendar_matches_the_oracle(store: Store, tmp_path: Path) -> None:
    bench = _bench()
    data = bench.generate(events=600, series=40, seed=3)
    path = tmp_path / "bench.ics"
    path.write_bytes(data)
    window = bench.WINDOW
    cal = icalendar.Calendar.from_ical(data)
    expected = sorted(
        (str(e["UID"]), _utc(e["DTSTART"].dt), _utc(e["DTEND"].dt), str(e["SUMMARY"]))
        for e in recurring.of(cal).between(window.since, window.until)
        if window.since <= _utc(e["DTSTART"].dt)
    )
    result = import_calendar(store, path, window=window)
    got = sorted(
        (b.key.split("|")[0], b.starts_at.astimezone(UTC), b.ends_at.astimezone(UTC), b.summary)
        for b in blocks.between(store)
    )
    assert result.warnings == [] and len(got) > 1000
    assert got == expected
    assert sum(1 for g in got if g[3] == "Moved") == 40
