"""Small server-side SVG charts.

Written here rather than taken from a chart library because the page's CSP (default-src 'self')
forbids inline styles and scripts, which the SVG output of libraries such as pygal relies on.
Charts use presentation attributes only, carry a <title> for screen readers, and every chart is
shown next to its numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from markupsafe import Markup

PALETTE = ("#7a2e5a", "#2f6f8f", "#b5651d", "#4d7c3a", "#6b5b95", "#8a8a8a")
WIDTH, HEIGHT, PAD = 640, 230, 32


def _svg(title: str, body: str, width: int = WIDTH, height: int = HEIGHT) -> Markup:
    label = escape(title)
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{label}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{label}</title>{body}</svg>"
    )


def _scale(values: Sequence[float | None], top: float | None = None) -> float:
    peak = max((v for v in values if v is not None), default=0.0)
    return top if top is not None else (peak or 1.0)


def lines(
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    top: float | None = None,
) -> Markup:
    """One polyline per series over shared x labels; gaps (None) break the line."""
    peak = _scale([v for vs in series.values() for v in vs], top)
    step = (WIDTH - 2 * PAD) / max(len(labels) - 1, 1)
    parts = [_axis(labels, step), _y_ticks(peak)]
    for index, (name, values) in enumerate(series.items()):
        colour = PALETTE[index % len(PALETTE)]
        points = [
            (PAD + i * step, HEIGHT - PAD - (v / peak) * (HEIGHT - 2 * PAD), labels[i], v)
            for i, v in enumerate(values)
            if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="{path}"/>'
            )
        parts += [
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
            f"<title>{escape(name)} {escape(label)}: {v:g}</title></circle>"
            for x, y, label, v in points
        ]
        parts.append(_legend(index, name, colour))
    return _svg(title, "".join(parts))


def bars(
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    top: float | None = None,
) -> Markup:
    """Grouped bars: one group per label, one bar per series."""
    peak = _scale([v for vs in series.values() for v in vs], top)
    group = (WIDTH - 2 * PAD) / max(len(labels), 1)
    width = group * 0.8 / max(len(series), 1)
    parts = [_axis(labels, group, offset=group / 2), _y_ticks(peak)]
    for s, (name, values) in enumerate(series.items()):
        colour = PALETTE[s % len(PALETTE)]
        for i, value in enumerate(values):
            h = (value / peak) * (HEIGHT - 2 * PAD)
            x = PAD + i * group + group * 0.1 + s * width
            parts.append(
                f'<rect x="{x:.1f}" y="{HEIGHT - PAD - h:.1f}" width="{width:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{escape(name)} {escape(labels[i])}: '
                f"{value:g}</title></rect>"
            )
        parts.append(_legend(s, name, colour))
    return _svg(title, "".join(parts))


def _axis(labels: Sequence[str], step: float, offset: float = 0.0) -> str:
    every = max(1, len(labels) // 8)
    ticks = [
        f'<text x="{PAD + offset + i * step:.1f}" y="{HEIGHT - 8}" font-size="11" '
        f'text-anchor="middle" fill="#555">{escape(label)}</text>'
        for i, label in enumerate(labels)
        if i % every == 0
    ]
    base = (
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="#999"/>'
    )
    return base + "".join(ticks)


def _y_ticks(peak: float) -> str:
    return "".join(
        f'<text x="2" y="{HEIGHT - PAD - f * (HEIGHT - 2 * PAD) + 4:.1f}" font-size="10" '
        f'fill="#555">{peak * f:.3g}</text>'
        for f in (0.0, 0.5, 1.0)
    )


def _legend(index: int, name: str, colour: str) -> str:
    """Legend entries, four to a row, above the plot."""
    x, y = PAD + (index % 4) * 150, 4 + (index // 4) * 13
    return (
        f'<rect x="{x}" y="{y}" width="10" height="10" fill="{colour}"/>'
        f'<text x="{x + 14}" y="{y + 9}" font-size="11" fill="#333">{escape(name)}</text>'
    )
