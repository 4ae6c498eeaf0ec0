"""`tarry review` (the weekly review) and `tarry drift` (who is drifting)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from tarry.cli.common import (
    JSON_OPTION,
    console,
    err_console,
    open_store,
    print_json,
    warn_plain_text,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import RenderableType
    from rich.text import Text

    from tarry.review.week import Note, Review


def review(
    week: str = typer.Option(
        None,
        "--week",
        "-w",
        metavar="YYYY-Www",
        help="ISO week, e.g. 2026-W47 (default: this week).",
    ),
    as_json: bool = JSON_OPTION,
    markdown: Path = typer.Option(
        None, "--markdown", "-m", metavar="FILE", help="Also save the review as Markdown in FILE."
    ),
) -> None:
    """The weekly review: the gap, hours, commitments, practices, depth, drift, one invitation."""
    from tarry.review import week as reviews

    with open_store() as store:
        result = reviews.week(store, week)
        encrypted = store.encrypted
    if markdown is not None:
        _save_markdown(result, markdown)
        warn_plain_text(encrypted, "The Markdown file")
    if as_json:
        print_json(result.to_dict())
    else:
        console.print(*_sections(result), sep="\n")


def _save_markdown(result: Review, path: Path) -> None:
    from tarry.review import markdown as review_markdown

    review_markdown.save(result, path)
    err_console.print(f"Saved the review to {path}.", markup=False)


def _sections(result: Review) -> list[RenderableType]:
    from rich.text import Text

    from tarry.review.markdown import span

    head = Text.assemble((f"Weekly review {result.week}", "bold"), f"  {span(result)}")
    notes = [Text(note_text(note), style="dim") for note in result.notes]
    return [
        head,
        *notes,
        _lived(result),
        _hours(result),
        _practices(result),
        _depth(result),
        _drifting(result),
        *([_mirror(result)] if result.mirror else []),
        _invitation(result),
    ]


def note_text(note: Note) -> str:
    """A note and, where there is one, the command that would let the review see more."""
    from tarry.cli.errors import STEPS

    return note.text if note.step is None else f"{note.text} {STEPS[note.step]}"


def _lived(result: Review) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from tarry.base.textcharts import plural

    lived = result.lived
    seen = f"{plural(lived.moments, 'moment')} with {plural(lived.people_seen, 'person', 'people')}"
    measured = Text(f"measured this week: {seen}", style="dim")
    if not lived.closeness:
        head = Text.assemble(("Importance vs lived", "bold"), "  no closeness domains rated yet")
        return Group(head, measured)
    table = Table("domain", "importance", "consistency", "gap", title="Importance vs lived",
                  title_justify="left", title_style="bold")  # fmt: skip
    for r in lived.closeness:
        table.add_row(r.label, str(r.importance), str(r.consistency), str(r.gap))
    gap = Text(f"want/value gap: {lived.closeness_gap} · {lived.gap_label}", style="dim")
    return Group(table, gap, measured)


def _hours(result: Review) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from tarry.base.clock import hours_text
    from tarry.base.textcharts import bar

    hours, c = result.hours, result.commitments
    rows = [("in moments", hours.in_moments), ("in kept commitments", hours.in_kept_commitments),
            ("traded away", hours.traded_away)]  # fmt: skip
    top = max(h for _, h in rows)
    shown = bool(top or hours.tradeoffs)  # bars and tradeoffs; an empty week has neither
    columns = ("", "hours", "") if shown else ("", "hours")
    table = Table(*columns, title="Hours", title_justify="left", title_style="bold")
    for name, h in rows:
        table.add_row(name, hours_text(h), *([bar(h, top or 1.0)] if shown else []))
    for t in hours.tradeoffs:
        cost = hours_text(t.cost_hours) if t.cost_hours is not None else t.cost_note
        table.add_row(
            f"  {t.at[:10]} {t.direction}", cost, escape(f"chose {t.chose} over {t.over}")
        )
    counts = Text(
        f"commitments: kept {c.kept}, traded {c.traded}, skipped {c.skipped},"
        f" not marked yet {c.pending}"
        + (f", still to come {c.to_come}" if c.to_come else "")
        + (f" · traded for: {', '.join(c.traded_for)}" if c.traded_for else ""),
        style="dim",
    )
    if result.calendar:
        from tarry.review.markdown import calendar_line

        return Group(table, counts, Text(calendar_line(result.calendar), style="dim"))
    return Group(table, counts)


def _practices(result: Review) -> RenderableType:
    from rich.table import Table

    from tarry.base.textcharts import signed, sparkline

    table = Table("practice", "strength", "change", "8 weeks", "target",
                  title="Practice strength", title_justify="left", title_style="bold")  # fmt: skip
    for p in result.practices:
        change = signed(p.change)
        style = "green" if p.change > 0.005 else "red" if p.change < -0.005 else "dim"
        table.add_row(p.practice, f"{p.strength:.2f}", f"[{style}]{change}[/]",
                      sparkline(p.weekly), p.target)  # fmt: skip
    return table


def _depth(result: Review) -> RenderableType:
    from rich.text import Text

    from tarry.base.textcharts import signed, sparkline

    d = result.depth
    trend = sparkline([p.meaningfulness for p in d.trend], 1, 7)
    if not d.moments:
        return _beside([("Depth", Text(f"no moments this week · 8 weeks: {trend}"))])
    share = f"{d.feeling_share:.0%}" if d.feeling_share is not None else "n/a"
    change = "" if d.change is None else f" ({signed(d.change)} against the weeks before)"
    line = Text(
        f"feeling-level disclosure in {share} of moments · meaningfulness"
        f" {d.meaningfulness}/7{change} · 8 weeks: {trend}"
    )
    return _beside([("Depth", line)])


def _beside(rows: Sequence[tuple[str, Text]], indent: int = 0) -> RenderableType:
    """Each label in bold with its line beside it: a long line wraps under its own column, not
    back to the margin."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 0, 0, 2))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column()
    for name, text in rows:
        grid.add_row(" " * indent + escape(name), text)
    return grid


def _drifting(result: Review) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    if not result.drifting:
        return _beside([("Who is drifting", Text("no one with a cadence is overdue"))])
    people = [(d.name, Text("; ".join(d.reasons))) for d in result.drifting]
    return Group(Text("Who is drifting", style="bold"), _beside(people, indent=2))


def _mirror(result: Review) -> RenderableType:
    from rich.text import Text

    from tarry.review.markdown import mirror_line

    assert result.mirror is not None
    return _beside([("Mirror", Text(mirror_line(result.mirror)))])


def _invitation(result: Review) -> RenderableType:
    from rich.panel import Panel
    from rich.text import Text

    inv = result.invitation
    body = Text(inv.text)
    body.append(f"\n{inv.why}", style="dim")
    return Panel(body, title="One invitation for next week", title_align="left")


def drift(as_json: bool = JSON_OPTION) -> None:
    """Who is drifting: people overdue for their contact cadence, most urgent first."""
    from tarry.review import strength

    with open_store() as store:
        drifts = strength.drifting(store)
    if as_json:
        print_json([d.to_dict() for d in drifts])
        return
    if not drifts:
        console.print("No one is drifting. (Only people with a cadence are watched: --every DAYS.)")
        return
    from rich.text import Text

    rows = []
    for d in drifts:
        said = "; ".join(d.reasons)  # a falling strength is one of the reasons
        rows.append((d.name, Text(said if d.falling else f"strength {d.strength:.2f}; {said}")))
    console.print(_beside(rows))


def register(app: typer.Typer) -> None:
    app.command("review")(review)
    app.command("drift")(drift)
