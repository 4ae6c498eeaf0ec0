"""The weekly review as a Markdown document a person can keep."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from tarry.base import outputs
from tarry.base.clock import hours_text
from tarry.base.textcharts import bar, plural, signed, sparkline
from tarry.review.week import CalendarWeek, Review

if TYPE_CHECKING:
    from tarry.mirror.conversations import MirrorWeek


def span(review: Review) -> str:
    first, last = date.fromisoformat(review.start), date.fromisoformat(review.end)
    return f"{first:%-d %B} to {last:%-d %B %Y}"


def save(review: Review, path: str | Path) -> None:
    """Write the review to `path`, private (0600) and whole or not at all."""
    with outputs.output(path) as out:
        out.write(render(review))


def render(review: Review) -> str:
    """The whole review; sections say plainly when there is nothing to show."""
    parts = [
        f"# Weekly review {review.week}",
        f"{span(review)}",
        *(f"> {note.text}" for note in review.notes),
        _lived(review),
        _hours(review),
        _commitments(review),
        _practices(review),
        _depth(review),
        _drifting(review),
        *([f"## Mirror\n\n{mirror_line(review.mirror)}."] if review.mirror else []),
        _invitation(review),
    ]
    return "\n\n".join(parts) + "\n"


def _lived(review: Review) -> str:
    lived, lines = review.lived, ["## Importance vs lived"]
    if lived.closeness:
        lines += ["", "| domain | importance | consistency | gap |", "|---|---:|---:|---:|"]
        lines += [
            f"| {r.label} | {r.importance} | {r.consistency} | {r.gap} |" for r in lived.closeness
        ]
        lines += ["", f"Want/value gap: **{lived.closeness_gap}**. Read it as: {lived.gap_label}."]
    else:
        lines += ["", "No closeness domains rated yet."]
    seen = f"{plural(lived.moments, 'moment')} with {plural(lived.people_seen, 'person', 'people')}"
    lines += ["", f"Measured this week: {seen}."]
    return "\n".join(lines)


def _hours(review: Review) -> str:
    hours = review.hours
    rows = [
        ("in moments", hours.in_moments),
        ("in kept commitments", hours.in_kept_commitments),
        ("traded away", hours.traded_away),
    ]
    top = max(h for _, h in rows) or 1.0
    lines = ["## Hours", "", "| | hours | |", "|---|---:|---|"]
    lines += [f"| {name} | {hours_text(h)} | `{bar(h, top) or ' '}` |" for name, h in rows]
    if review.calendar:
        lines += ["", calendar_line(review.calendar) + "."]
    if hours.tradeoffs:
        lines += ["", "Tradeoffs:"]
        for t in hours.tradeoffs:
            cost = f", {hours_text(t.cost_hours)}" if t.cost_hours is not None else ""
            note = f" ({t.cost_note})" if t.cost_note else ""
            lines.append(
                f"- {t.at[:10]}: chose {t.chose} over {t.over} ({t.direction}{cost}){note}"
            )
    else:
        lines += ["", "No tradeoffs recorded this week."]
    return "\n".join(lines)


def calendar_line(calendar: CalendarWeek) -> str:
    """The time audit in a sentence: hours per domain, the target, collisions with work."""
    hours = ", ".join(f"{domain} {hours_text(h)}" for domain, h in calendar.hours.items())
    line = f"From your calendar: {hours}"
    if calendar.target_hours is not None:
        met = "met" if calendar.target_met else "not met"
        line += f"; connection target {hours_text(calendar.target_hours)} ({met})"
    clashes = calendar.collisions
    if clashes:
        line += f"; {plural(len(clashes), 'commitment')} collided with work"
    return line


def mirror_line(mirror: MirrorWeek) -> str:
    """The mirror's week in a sentence, from imported chats."""
    sent = mirror.messages.me + mirror.messages.them
    space, stay = mirror.space, mirror.stay
    return (
        f"Imported chats this week: {plural(sent, 'message')}; of their"
        f" {plural(space.hard_disclosures, 'hard disclosure')}, {space.explored_or_validated}"
        " met by exploring or validating,"
        f" {space.fixed_or_minimised} by fixing or minimising, {stay.redirected} redirected;"
        f" your own feeling disclosures: {mirror.seen.my_feelings}"
    )


def _commitments(review: Review) -> str:
    c = review.commitments
    line = f"Kept {c.kept}, traded {c.traded}, skipped {c.skipped}, not marked yet {c.pending}"
    line += f", still to come {c.to_come}." if c.to_come else "."
    if c.traded_for:
        line += " Traded for: " + ", ".join(c.traded_for) + "."
    return f"## Commitments\n\n{line}"


def _practices(review: Review) -> str:
    lines = [
        "## Practice strength",
        "",
        "| practice | strength | change | last 8 weeks | target |",
        "|---|---:|---:|---|---|",
    ]
    for p in review.practices:
        lines.append(
            f"| {p.practice} | {p.strength:.2f} | {signed(p.change)} |"
            f" `{sparkline(p.weekly)}` | {p.target} |"
        )
    return "\n".join(lines)


def _depth(review: Review) -> str:
    d = review.depth
    if not d.moments:
        lines = ["## Depth", "", "No moments logged this week, so no depth to show."]
    else:
        share = f"{d.feeling_share:.0%}" if d.feeling_share is not None else "n/a"
        lines = [
            "## Depth",
            "",
            f"Moments with feeling-level disclosure: {share} of {plural(d.moments, 'moment')}.",
            f"Meaningfulness (mean of the five ratings, 1-7): {d.meaningfulness}"
            f" ({signed(d.change)} against the weeks before).",
        ]
    means = [p.meaningfulness for p in d.trend]
    lines += ["", f"Meaningfulness, last {len(means)} weeks: `{sparkline(means, 1, 7)}`"]
    return "\n".join(lines)


def _drifting(review: Review) -> str:
    if not review.drifting:
        return "## Who is drifting\n\nNo one with a contact cadence is overdue."
    lines = ["## Who is drifting", ""]
    lines += [f"- **{d.name}**: {'; '.join(d.reasons)}." for d in review.drifting]
    return "\n".join(lines)


def _invitation(review: Review) -> str:
    inv = review.invitation
    return f"## One invitation for next week\n\n{inv.text}\n\n_{inv.why}_"
