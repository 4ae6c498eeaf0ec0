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
