"""Small server-side SVG charts that read: a title, units, sensible ticks, a legend only when there
is more than one series, sized to stay legible at 390 px wide.

Written here rather than taken from a chart library because the page's CSP (default-src 'self')
forbids inline styles and scripts, which the SVG output of libraries such as pygal relies on.
Colours come from classes styled by static/style.css (light and dark), with presentation
attributes as a fallback. Every chart is an image with a title for screen readers, and is shown
next to its numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from html import escape
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    from tarry.review.year import Year

PALETTE = ("#7a2e5a", "#2f6f8f", "#b5651d", "#4d7c3a", "#6b5b95", "#6f6f6f")
WIDTH, HEIGHT = 420, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 28  # room for y ticks, x labels and the legend
FONT = 12
MAX_X_LABELS = 7


def _svg(
    title: str,
    body: str,
    width: int = WIDTH,
    height: int = HEIGHT,
    kind: str = "",
    caption: bool = True,
) -> Markup:
    """The chart as an image named by `title`; with `caption`, the title is also shown above it
    (a figure's caption, wrapping like text; screen readers hear it once, as the image's name)."""
    label = escape(title)
    svg = (
        f'<svg class="chart {kind}" viewBox="0 0 {width} {height}" role="img" aria-label="{label}"'
        f' xmlns="http://www.w3.org/2000/svg"><title>{label}</title>{body}</svg>'
    )
    if not caption:
        return Markup(svg)
    caption_html = f'<figcaption aria-hidden="true">{label}</figcaption>'
    return Markup(f'<figure class="chart-box">{caption_html}{svg}</figure>')


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """0 and round steps (1, 2, 2.5 or 5 times a power of ten) up to at least `top`."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks = [0.0]
    while ticks[-1] < top - 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _number(value: float, unit: str = "") -> str:
    text = (
        f"{value:.0f}"
        if float(value).is_integer()
        else f"{value:.2g}"
        if value < 1
        else f"{value:.1f}"
    )
    return f"{text}{unit}"


class _Plot:
    """The frame shared by line and bar charts: y ticks with units, x labels, a legend."""

    def __init__(self, values: Sequence[float], top: float | None, legend: int, unit: str) -> None:
        peak = max((v for v in values), default=0.0)
        self.ticks = nice_ticks(top if top is not None else (peak or 1.0))
        self.top = self.ticks[-1]
        self.unit = unit
        self.rows = (legend + 2) // 3 if legend > 1 else 0
        self.y0 = TOP + self.rows * 18
        self.height = HEIGHT + self.rows * 18

    @property
    def bottom(self) -> float:
        return self.height - BOTTOM

    def y(self, value: float) -> float:
        return self.bottom - (value / self.top) * (self.bottom - self.y0)

    def frame(self, labels: Sequence[str], xs: Sequence[float]) -> str:
        parts = []
        for tick in self.ticks:
            y = self.y(tick)
            parts.append(
                f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" '
                f'y2="{y:.1f}" stroke="#ddd"/>'
            )
            parts.append(
                f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" font-size="{FONT}" '
                f'text-anchor="end" fill="#555">{_number(tick, self.unit)}</text>'
            )
        every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
        for i, (label, x) in enumerate(zip(labels, xs, strict=True)):
            if i % every == 0:
                parts.append(
                    f'<text class="tick" x="{x:.1f}" y="{self.height - 8}" '
                    f'font-size="{FONT}" text-anchor="middle" fill="#555">'
                    f"{escape(label)}</text>"
                )
        return "".join(parts)

    def legend(self, names: Sequence[str]) -> str:
        if len(names) < 2:
            return ""
        parts = []
        for index, name in enumerate(names):
            x, y = LEFT + (index % 3) * 125, TOP + (index // 3) * 18
            parts.append(
                f'<rect class="s{index}" x="{x}" y="{y}" width="12" height="12" rx="2" '
                f'fill="{PALETTE[index % len(PALETTE)]}"/><text class="label" x="{x + 17}" '
                f'y="{y + 11}" font-size="{FONT}" fill="#333">{escape(name)}</text>'
            )
        return "".join(parts)


def lines(
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    top: float | None = None,
    unit: str = "",
) -> Markup:
    """One line per series over shared x labels; gaps (None) break the line. `unit` follows each
    tick ('h', '%'); a legend appears only for two series or more."""
    plot = _Plot([v for vs in series.values() for v in vs if v is not None], top, len(series), unit)
    step = (WIDTH - LEFT - RIGHT - 12) / max(len(labels) - 1, 1)
    xs = [LEFT + 6 + i * step for i in range(len(labels))]
    parts = [plot.frame(labels, xs), plot.legend(list(series))]
    for index, (name, values) in enumerate(series.items()):
        colour = PALETTE[index % len(PALETTE)]
        points = [(xs[i], plot.y(v), labels[i], v) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
            parts.append(
                f'<polyline class="line s{index}" fill="none" stroke="{colour}" '
                f'stroke-width="2.5" points="{path}"/>'
            )
        parts += [
            f'<circle class="dot s{index}" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
            f"<title>{escape(name)}, {escape(label)}: {_number(v, unit)}</title></circle>"
            for x, y, label, v in points
        ]
    return _svg(title, "".join(parts), height=int(plot.height))


def bars(
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    top: float | None = None,
    unit: str = "",
) -> Markup:
    """Grouped bars, one group per label, the value written on each bar; a legend only for two
    series or more (one series is named by its labels)."""
    plot = _Plot([v for vs in series.values() for v in vs], top, len(series), unit)
    group = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    width = group * 0.7 / max(len(series), 1)
    xs = [LEFT + (i + 0.5) * group for i in range(len(labels))]
    parts = [plot.frame(labels, xs), plot.legend(list(series))]
    for s, (name, values) in enumerate(series.items()):
        colour = PALETTE[s % len(PALETTE)]
        for i, value in enumerate(values):
            x = LEFT + i * group + group * 0.15 + s * width
            y = plot.y(value)
            parts.append(
                f'<rect class="bar s{s}" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
                f'height="{plot.bottom - y:.1f}" fill="{colour}"><title>{escape(name)}, '
                f"{escape(labels[i])}: {_number(value, unit)}</title></rect>"
                f'<text class="value" x="{x + width / 2:.1f}" y="{y - 4:.1f}" font-size="{FONT}" '
                f'text-anchor="middle" fill="#333">{_number(value, unit)}</text>'
            )
    return _svg(title, "".join(parts), height=int(plot.height))


def ring(title: str, share: float, change: float | None = None) -> Markup:
    """A score from 0 to 1 as a ring, the percentage inside and its trend (↑ ↓ →) below."""
    share = max(0.0, min(1.0, share))
    radius, size = 42, 120
    circumference = 2 * math.pi * radius
    filled = circumference * share
    arrow = ""
    if change is not None:
        mark = "↑" if change > 0.005 else "↓" if change < -0.005 else "→"
        arrow = (
            f'<text class="label" x="60" y="80" font-size="{FONT}" text-anchor="middle" '
            f'fill="#555">{mark} {abs(change) * 100:.0f} pts</text>'
        )
    body = (
        f'<circle class="track" cx="60" cy="60" r="{radius}" fill="none" stroke="#e6dde2" '
        f'stroke-width="12"/><circle class="fill" cx="60" cy="60" r="{radius}" fill="none" '
        f'stroke="{PALETTE[0]}" stroke-width="12" stroke-linecap="round" '
        f'stroke-dasharray="{filled:.1f} {circumference:.1f}" transform="rotate(-90 60 60)"/>'
        f'<text class="big" x="60" y="62" font-size="24" font-weight="700" text-anchor="middle" '
        f'fill="#1d1d1f">{share * 100:.0f}%</text>{arrow}'
    )
    return _svg(title, body, size, size, kind="ring", caption=False)


def heatmap(title: str, year: Year, *, what: str = "practices") -> Markup:
    """A year of days, a column per week (Monday at the top), shaded by how much happened, with
    month and weekday labels and a less-to-more key; each day says its count on hover."""
    cell, gap, left, top = 11, 2, 24, 16
    columns = year.weeks()
    width = left + len(columns) * (cell + gap) + 4
    height = top + 7 * (cell + gap) + 22
    parts = []
    for index, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
        parts.append(
            f'<text class="tick" x="0" y="{top + index * (cell + gap) + 9}" font-size="9" '
            f'fill="#555">{name}</text>'
        )
    month = None
    for c, week in enumerate(columns):
        x = left + c * (cell + gap)
        first = next(d for d in week if d is not None)
        if first.month != month and first.day <= 7:
            month = first.month
            parts.append(
                f'<text class="tick" x="{x}" y="10" font-size="9" fill="#555">{first:%b}</text>'
            )
        for r, day in enumerate(week):
            if day is not None:
                parts.append(_cell(year, day, x, top + r * (cell + gap), cell, what))
    key_y = height - 12
    parts.append(
        f'<text class="tick" x="{width - 110}" y="{key_y + 9}" font-size="9" '
        f'fill="#555">less</text>'
    )
    for level in range(5):
        parts.append(
            f'<rect class="heat l{level}" x="{width - 86 + level * 13}" y="{key_y}" '
            f'width="{cell}" height="{cell}" rx="2" fill="{_shade(level)}"/>'
        )
    parts.append(
        f'<text class="tick" x="{width - 20}" y="{key_y + 9}" font-size="9" fill="#555">more</text>'
    )
    return _svg(title, "".join(parts), width, height, kind="heatmap", caption=False)


def _cell(year: Year, day: date, x: int, y: int, size: int, what: str) -> str:
    level, count = year.level(day), year.counts.get(day, 0)
    said = f"{day:%a %d %b %Y}: {count} {what}" if count else f"{day:%a %d %b %Y}: nothing"
    return (
        f'<rect class="heat l{level}" x="{x}" y="{y}" width="{size}" height="{size}" rx="2" '
        f'fill="{_shade(level)}"><title>{said}</title></rect>'
    )


def _shade(level: int) -> str:
    return ("#ebe6e9", "#d9b3c9", "#b97a9e", "#96487a", "#6b1f50")[level]
