"""Scenario 12 (issue 17, 3): a calendar cannot hang tarry or grow the store without end.

A 466-byte .ics whose VTIMEZONE repeats every second from 1601 ran past 300 s and 4 GB; 1,000
series repeating every minute reached 6.7 GB. Now a time zone that changes offset more often
than monthly, or more than 2,000 times, is not used (its times are read as local time, with a
warning), and the whole import is bounded (200,000 instances and 256 MiB of their text by
default, each raised with a flag). Each runs in a forked child: under 10 s and 500 MB.
"""

from __future__ import annotations

import time
from contextlib import closing
from pathlib import Path

import pytest

from tarry.store import Store
from tests.trust.conftest import Env, fingerprint
from tests.trust.measure import Measured, measured
from tests.trust.served import csrf, served

SECONDS, MEGABYTES = 10.0, 500
ZONE_EVERY_SECOND = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VTIMEZONE\r\nTZID:Tick\r\n"
    "BEGIN:STANDARD\r\nDTSTART:16010101T000000\r\nRRULE:FREQ={freq}\r\nTZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0000\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010101T000001\r\n"
    "RRULE:FREQ={freq}\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nEND:DAYLIGHT\r\n"
    "END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Tick:20261120T100000\r\n"
    "DTEND;TZID=Tick:20261120T110000\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def series(count: int, every: str = "MINUTELY") -> str:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:s{i}\r\nDTSTART:20261101T000000Z\r\nDTEND:20261101T000100Z\r\n"
        f"RRULE:FREQ={every}\r\nSUMMARY:series {i}\r\nEND:VEVENT\r\n"
        for i in range(count)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{events}END:VCALENDAR\r\n"


def _run(env: Env, ics: Path, *flags: str) -> Measured:
    done = measured(env, ["import", "calendar", str(ics), *flags], SECONDS + 5)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert done.seconds < SECONDS, f"{done.seconds:.1f} s"
    assert done.megabytes < MEGABYTES, f"{done.megabytes:.0f} MB"
    return done


@pytest.mark.parametrize("freq", ["SECONDLY", "MINUTELY", "DAILY"])
def test_a_time_zone_that_repeats_too_often_is_not_used(
    env: Env, tmp_path: Path, freq: str
) -> None:
    ics = tmp_path / "tick.ics"
    ics.write_text(ZONE_EVERY_SECOND.format(freq=freq), newline="")
    done = _run(env, ics)
    assert done.code == 0, done.stderr
    assert f"the VTIMEZONE 'Tick' is not used (a rule repeats {freq.lower()}" in done.stderr
    assert "line 4" in done.stderr  # where the VTIMEZONE starts


def test_a_time_zone_with_too_many_changes_is_not_used(env: Env, tmp_path: Path) -> None:
    hours = ",".join(str(h) for h in range(24))
    text = ZONE_EVERY_SECOND.format(freq=f"YEARLY;BYMONTH=1,2,3;BYHOUR={hours}")
    ics = tmp_path / "busy.ics"
    ics.write_text(text, newline="")
    done = _run(env, ics)
    assert done.code == 0 and "changes offset over 2000 times" in done.stderr, done.stderr


def test_a_thousand_series_every_minute_stop_at_the_import_limit(env: Env, tmp_path: Path) -> None:
    Store.open(env.home).close()
    ics = tmp_path / "series.ics"
    ics.write_text(series(1000), newline="")
    before = fingerprint(env.home)
    done = _run(env, ics)
    assert done.code == 2 and "more than 200,000 instances" in done.stderr, done.stderr
    assert "--max-instances" in done.stderr
    assert fingerprint(env.home) == before


def test_the_limits_can_be_raised_or_narrowed(env: Env, tmp_path: Path) -> None:
    ics = tmp_path / "series.ics"
    ics.write_text(series(3), newline="")  # 3 series of 10,000 instances (the per-series cap)
    narrow = _run(env, ics, "--max-instances", "29999")
    assert narrow.code == 2, narrow.stderr
    small = _run(env, ics, "--max-bytes", "1M")
    assert small.code == 2 and "more than 1 MiB of instances" in small.stderr, small.stderr
    done = _run(env, ics, "--max-instances", "30000")
    assert done.code == 0, done.stderr
    with Store.open(env.home) as store:
        assert store.scalar("SELECT count(*) FROM time_blocks") == 30_000


def test_a_web_import_can_be_cancelled(env: Env, tmp_path: Path) -> None:
    """A long calendar import started in the browser stops when cancelled, changing nothing."""
    Store.open(env.home).close()
    before = fingerprint(env.home)
    with served(env) as server, closing(server.signed_in()) as client:
        token = csrf(client)
        files = {"file": ("long.ics", series(19).encode(), "text/calendar")}
        started = client.post("/import/calendar", data={"_csrf": token}, files=files)
        assert started.status_code == 303, started.text
        job = started.headers["location"]
        cancelled = client.post(f"{job}/cancel", data={"_csrf": token})
        assert cancelled.status_code == 303 and cancelled.headers["location"] == job
        deadline = time.monotonic() + 30
        while (state := client.get(f"{job}.json").json()["job"])["status"] == "running":
            assert time.monotonic() < deadline, state
            time.sleep(0.1)
        assert state["status"] == "cancelled", state
        assert "nothing was changed" in client.get(job).text
    with Store.open(env.home) as store:
        assert store.scalar("SELECT count(*) FROM time_blocks") == 0
    assert fingerprint(env.home) == before
