"""Small charts drawn with Unicode block characters, for the terminal and Markdown files."""

from __future__ import annotations

from collections.abc import Sequence


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 day', '3 days', '2 people': a count with its word, never 'day(s)'."""
    return f"{count} {word}" if count == 1 else f"{count} {many or word + 's'}"


TICKS = "▁▂▃▄▅▆▇█"
EIGHTHS = " ▏▎▍▌▋▊▉"


def sparkline(values: Sequence[float | None], low: float = 0.0, high: float = 1.0) -> str:
    """One character per value on a fixed scale (so weeks compare); a gap is a space."""
    span = (high - low) or 1.0
    marks = []
    for value in values:
        if value is None:
            marks.append(" ")
            continue
        share = min(1.0, max(0.0, (value - low) / span))
        marks.append(TICKS[min(len(TICKS) - 1, int(share * len(TICKS)))])
    return "".join(marks)


def bar(value: float, high: float, width: int = 20) -> str:
    """A horizontal bar `width` cells long at `high`, drawn in eighths of a cell."""
    if high <= 0 or value <= 0:
        return ""
    eighths = round(min(1.0, value / high) * width * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[rest] if rest else "")


def signed(value: float | None, digits: int = 2) -> str:
    """A change with its sign ('+0.12', '-0.05'); a change that rounds to zero shows as 0.00."""
    if value is None:
        return "n/a"
    text = f"{value:+.{digits}f}"
    return text[1:] if float(text) == 0 else text
