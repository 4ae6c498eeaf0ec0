"""The local time zone by its IANA name: for export TZIDs and fast conversion of many times."""

from __future__ import annotations

import functools
import os
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_named(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def zone_name() -> str | None:
    """The IANA name of the local zone (TZ, else /etc/localtime), or None when unknown."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        candidates.append(str(localtime.resolve()).partition("zoneinfo/")[2])
    for name in candidates:
        if name and zone_named(name) is not None:
            return name
    return None


@functools.lru_cache(maxsize=8)
def _zone(tz_variable: str | None) -> tzinfo | None:
    name = zone_name()
    return zone_named(name) if name else None


def to_local(moment: datetime) -> datetime:
    """`moment.astimezone()`, several times faster when the local zone has an IANA name."""
    zone = _zone(os.environ.get("TZ"))
    return moment.astimezone(zone) if zone else moment.astimezone()
