"""The one rule for message times: UTC with "Z" when the export knows the zone, else naive local.

Exports that carry Unix times or UTC offsets (Telegram, Discord, Messenger, iMessage, sigtop)
give `YYYY-MM-DDTHH:MM:SSZ`; exports that only show wall-clock time (WhatsApp, Signal text,
most CSV) give `YYYY-MM-DDTHH:MM:SS` as written. Second precision everywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime
from time import gmtime

# Unix seconds outside these bounds are not plausible chat times (1990 .. 2200).
EARLIEST, LATEST = 631152000, 7258118400


def from_unix(seconds: float) -> str | None:
    """Unix seconds as UTC text, or None when out of range."""
    if not EARLIEST <= seconds < LATEST:
        return None
    t = gmtime(int(seconds))  # formatting by hand: several times faster than strftime
    return f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}T{t[3]:02d}:{t[4]:02d}:{t[5]:02d}Z"


def from_datetime(moment: datetime) -> str:
    """Aware times become UTC 'Z'; naive ones stay as written."""
    if moment.tzinfo is None:
        return moment.replace(microsecond=0).isoformat()
    return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def from_iso(text: str) -> str | None:
    """ISO 8601 text (with or without zone, 'Z' accepted) by the rule above; None if unreadable."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.year < 1970 or moment.year > 2200:
        return None
    return from_datetime(moment)
