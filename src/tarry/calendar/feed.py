"""The subscribable feed of protected time: its own secret token, and the bytes it serves.

The token is separate from the web app's per-launch token (a calendar app must keep it for
months): 32 random bytes, URL-safe, in `feed-token` in the home (0600). Rotating it breaks
every old subscription. The web app serves `feed_ics(store)` at FEED_PATH and checks the token
with `verify` (constant time); nothing else is reachable with it.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from tarry.calendar.export import export_ics
from tarry.store import Store

TOKEN_FILE = "feed-token"
FEED_PATH = "/calendar/feed/{token}.ics"


def _path(home: Path) -> Path:
    return Path(home) / TOKEN_FILE


def token(home: Path) -> str:
    """The feed token, created on first use."""
    path = _path(home)
    if path.exists():
        saved = path.read_text().strip()
        if saved:
            return saved
    return rotate(home)


def rotate(home: Path) -> str:
    """A new token; the old one stops working at once. Written atomically, 0600."""
    fresh = secrets.token_urlsafe(32)
    path = _path(home)
    partial = path.with_suffix(".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(fresh + "\n")
    partial.replace(path)
    path.chmod(0o600)
    return fresh


def verify(home: Path, given: str | None) -> bool:
    """Whether `given` is the feed token (False when no token was ever made)."""
    path = _path(home)
    if not given or not path.exists():
        return False
    return hmac.compare_digest(given.encode(), path.read_text().strip().encode())


def url_path(home: Path) -> str:
    return FEED_PATH.format(token=token(home))


def feed_ics(store: Store) -> bytes:
    """What the feed serves: every commitment as an RFC 5545 calendar (text/calendar)."""
    return export_ics(store)
