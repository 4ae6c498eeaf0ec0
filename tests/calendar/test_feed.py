"""The feed token: created once, private, rotated on demand, checked in constant time."""

from __future__ import annotations

import stat

import icalendar

from tarry.calendar import feed
from tarry.commit import commitments
from tarry.store import Store


def test_token_is_created_once_private_and_verified(store: Store) -> None:
    assert feed.verify(store.home, "anything") is False  # no token yet
    token = feed.token(store.home)
    assert len(token) >= 40 and feed.token(store.home) == token
    path = store.home / feed.TOKEN_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert feed.verify(store.home, token) is True
    assert feed.verify(store.home, token[:-1]) is False
    assert feed.verify(store.home, None) is False
    assert feed.url_path(store.home) == f"/calendar/feed/{token}.ics"


def test_rotate_breaks_the_old_token(store: Store) -> None:
    old = feed.token(store.home)
    new = feed.rotate(store.home)
    assert new != old and feed.verify(store.home, new) and not feed.verify(store.home, old)
    assert not (store.home / "feed-token.partial").exists()


def test_feed_serves_the_commitments(store: Store) -> None:
    commitments.add(store, "Date night", every="friday 19:30", duration_min=150)
    cal = icalendar.Calendar.from_ical(feed.feed_ics(store))
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Date night"]


def test_the_feed_and_the_export_remind_before_protected_time(store: Store, cli) -> None:
    from datetime import timedelta

    from tarry.calendar import export
    from tarry.declare import people

    people.add(store, "Sam")
    commitments.add(store, "Date night", every="friday 19:30", people_names=["Sam"])
    commitments.add(store, "Old walk", every="monday 10:00")
    commitments.end(store, "Old walk")

    def alarms() -> dict[str, list[tuple[str, str, timedelta]]]:
        cal = icalendar.Calendar.from_ical(feed.feed_ics(store))
        return {
            str(e["SUMMARY"]): [(str(a["ACTION"]), str(a["DESCRIPTION"]), a["TRIGGER"].dt)
                                for a in e.walk("VALARM")]
            for e in cal.walk("VEVENT")
        }  # fmt: skip

    assert alarms() == {"Date night": [("DISPLAY", "Protected time with Sam: Date night",
                                        timedelta(minutes=-30))]}  # fmt: skip
    assert cli("calendar", "alarm", "2h").stdout == (
        "Calendars remind you 2 h before protected time.\n"
    )
    assert alarms()["Date night"][0][2] == timedelta(hours=-2)
    assert cli("calendar", "alarm", "off").stdout == "No reminders before protected time.\n"
    assert alarms() == {"Date night": []}
    assert b"VALARM" in cli_bytes(cli, "calendar", "export", "--alarm", "15m")
    result = cli("calendar", "alarm", "9 days")
    assert result.code == 2 and "Cannot read the duration" in result.stderr
    assert export.set_alarm(store, 0) == 0


def cli_bytes(cli, *args: str) -> bytes:
    return cli(*args).stdout.encode()
