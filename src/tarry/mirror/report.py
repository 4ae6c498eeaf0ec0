"""Small text charts for mirror reports: sparklines and share bars, in plain unicode."""

from __future__ import annotations

from collections.abc import Sequence

TICKS = "▁▂▃▄▅▆▇█"
FULL, EMPTY = "█", "·"


def sparkline(values: Sequence[float | None], top: float | None = None) -> str:
    """One character per value, scaled from 0 to `top` (default the largest); None is a gap."""
    known = [v for v in values if v is not None]
    top = top or max(known, default=0) or 1
    return "".join(
        " " if v is None else TICKS[min(len(TICKS) - 1, int(v / top * (len(TICKS) - 1) + 0.5))]
        for v in values
    )


def bar(share: float, width: int = 20) -> str:
    """A share between 0 and 1 as a bar of `width` cells."""
    filled = round(max(0.0, min(1.0, share)) * width)
    return FULL * filled + EMPTY * (width - filled)


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def minutes(value: float | None) -> str:
    """A duration in minutes, readable: '4 min', '2.5 h', '3.0 d'."""
    if value is None:
        return "–"
    if value < 90:
        return f"{value:.0f} min"
    if value < 60 * 36:
        return f"{value / 60:.1f} h"
    return f"{value / 1440:.1f} d"
