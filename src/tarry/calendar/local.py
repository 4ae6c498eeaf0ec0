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


def zone() -> tzinfo | None:
    """The local zone as a tzinfo, when it has an IANA name (looked up once per TZ value)."""
    return _zone(os.environ.get("TZ"))


def to_local(moment: datetime, local: tzinfo | None = None) -> datetime:
    """`moment.astimezone()`, several times faster with the local zone as an IANA `ZoneInfo`."""
    local = local or zone()
    return moment.astimezone(local) if local else moment.astimezone()
