"""`tarry values`: rate the 10 life domains, show the latest profile and its history."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from tarry.base.textcharts import plural
from tarry.cli.common import JSON_OPTION, console, open_store, print_change, print_json

if TYPE_CHECKING:
    from tarry.declare.values import Profile, Trend

values_app = typer.Typer(
    help="Your value profile: how much each life domain matters, and how fully you live it.",
    invoke_without_command=True,
)

RATE_HELP = "DOMAIN=IMPORTANCE/CONSISTENCY, each 1-10, e.g. intimate=9/4 (repeatable)."


@values_app.callback()
def rate(
    ctx: typer.Context,
    ratings: list[str] = typer.Option([], "--rate", metavar="DOMAIN=I/C", help=RATE_HELP),
    note: str = typer.Option("", "--note", help="A note on this profile.", metavar="TEXT"),
) -> None:
    """Rate the 10 life domains (1-10); asks for each one when no --rate is given.

    A profile holds only the domains rated; a change between profiles is taken over the domains
    rated in both, so rating one domain today compares that domain alone.
    """
    if ctx.invoked_subcommand is not None:
        return
    from tarry.declare import values

    given = values.parse_ratings(ratings)
    with open_store() as store:
        before = values.latest(store)
        answers = given or ask(before)
        if not given and not note and values.unchanged(store, answers) is not None:
            console.print("Nothing changed since your last answers, so nothing was saved.")
            return
        profile = values.record(store, answers, note=note)
    render(profile, before)


def ask(before: Profile | None) -> dict[str, tuple[int, int]]:
    """Prompt for importance and consistency in every domain; Enter keeps last time's answer."""
    from tarry.declare.values import DOMAINS

    console.print(
        "Rate each area of life 1-10. [b]Importance[/]: how much it matters to you."
        " [b]Consistency[/]: how fully you lived it in the past week."
        + (" Enter keeps last time's answer; '-' skips." if before else " Leave blank to skip.")
    )
    answers = {}
    for key, label in DOMAINS.items():
        last = before.rating(key) if before else None
        importance = _score(f"{label}: importance", last.importance if last else None)
        if importance is None:
            continue
        consistency = _score(f"{label}: consistency", last.consistency if last else None, True)
        answers[key] = (importance, consistency or importance)
    return answers


def _score(question: str, last: int | None, required: bool = False) -> int | None:
    """One 1-10 answer: Enter takes `last` (or skips), '-' skips, unless `required`."""

    def check(text: str) -> int | None:
        text = text.strip()
        if text in ("", "-") and required:
            raise typer.BadParameter("Give a whole number from 1 to 10.")
        if text == "-" or (not text and last is None):
            return None
        if not text:
            return last
        if not text.isdigit() or not 1 <= int(text) <= 10:
            raise typer.BadParameter(f"{text!r} is not a whole number from 1 to 10.")
        return int(text)

    default = "" if last is None else str(last)
    answer: int | None = typer.prompt(
        question, default=default, show_default=last is not None, value_proc=check
    )
    return answer


def bar(importance: int, consistency: int) -> str:
    """Consistency filled, the rest of importance shaded: the gap you can see."""
    lived = min(consistency, importance)
    return "█" * lived + "░" * (importance - lived) + "█" * max(0, consistency - importance)


def render(profile: Profile, before: Profile | None = None) -> None:
    from tarry.declare.values import GAP_LABEL

    table = Table("domain", "importance", "consistency", "I x C", "gap", "lived vs wanted")
    for r in profile.ratings:
        table.add_row(r.label, str(r.importance), str(r.consistency), str(r.product),
                      f"{r.gap:+d}", bar(r.importance, r.consistency))  # fmt: skip
    console.print(table)
    console.print(f"Profile {profile.id}, {profile.taken_at:%Y-%m-%d %H:%M}.")
    line = f"Composite (VLQ, mean of I x C): [b]{profile.composite:g}[/]"
    console.print(line + escape(since(before, profile)), soft_wrap=True)
    if profile.closeness_gap is not None:
        console.print(
            f"Want/value gap for closeness (intimate, friends, family): "
            f"[b]{profile.closeness_gap:+g}[/]"
        )
    console.print(f"[dim]{GAP_LABEL}[/]")


@values_app.command("show")
def show(as_json: bool = JSON_OPTION) -> None:
    """Show the latest value profile."""
    from tarry.declare import values

    with open_store() as store:
        profile = values.latest(store)
    if profile is None:
        if as_json:
            print_json(None)
            return
        console.print("No value profile yet. Run `tarry values` to rate what matters.")
        return
    if as_json:
        print_json(profile.to_dict())
    else:
        render(profile)


@values_app.command("history")
def history(as_json: bool = JSON_OPTION) -> None:
    """Every profile, with the composite and the want/value gap over time."""
    from tarry.declare import values

    with open_store() as store:
        trend = values.trend(store)
    if as_json:
        print_json(trend.to_dict())
        return
    render_trend(trend)


def since(before: Profile | None, profile: Profile) -> str:
    """' (+9.0 since 2026-09-01)', over the domains rated in both, or '' when nothing compares."""
    from tarry.declare.values import composite_change, shared_domains

    change = None if before is None else composite_change(before, profile)
    if before is None or change is None:
        return ""
    shared = shared_domains(before, profile)
    same = len(shared) == len(profile.ratings) == len(before.ratings)
    over = "" if same else f" over {', '.join(shared)}, rated both times"
    return f" ({change:+.1f} since {before.taken_at:%Y-%m-%d}{over})"


def render_trend(trend: Trend) -> None:
    if not trend.profiles:
        console.print("No value profile yet. Run `tarry values` to rate what matters.")
        return
    table = Table("id", "taken", "composite", "closeness gap", "")
    for p in trend.profiles:
        gap = "" if p.closeness_gap is None else f"{p.closeness_gap:+g}"
        table.add_row(str(p.id), f"{p.taken_at:%Y-%m-%d}", f"{p.composite:g}", gap,
                      "▇" * round(p.composite / 5))  # fmt: skip
    console.print(table)
    first, last = (trend.profiles[0], trend.profiles[-1])
    same = len(trend.compared) == len(first.ratings) == len(last.ratings)
    rated = plural(len(trend.compared), "domain")
    over = "" if same else f" (over the {rated} rated in both)"
    if trend.composite_change is not None:
        console.print(f"Composite change, first to latest{over}: {trend.composite_change:+g}")
    elif len(trend.profiles) > 1:
        console.print("The first and latest profiles rate no domain in common: no change to show.")
    if trend.closeness_gap_change is not None:
        console.print(f"Want/value gap change: {trend.closeness_gap_change:+g} (lower is closer)")


@values_app.command("edit")
def edit(
    profile_id: int = typer.Argument(..., metavar="ID", help="The profile's id (values history)."),
    ratings: list[str] = typer.Option(
        [], "--rate", metavar="DOMAIN=I/C", help=RATE_HELP + " Replaces all its ratings."
    ),
    note: str = typer.Option(None, "--note", help="Replace the note.", metavar="TEXT"),
) -> None:
    """Correct a value profile (undo: tarry undo)."""
    from tarry.declare import values

    given = values.parse_ratings(ratings) if ratings else None
    with open_store() as store:
        profile = values.edit(store, profile_id, ratings=given, note=note)
    render(profile)


@values_app.command("remove")
def remove(
    profile_id: int = typer.Argument(..., metavar="ID", help="The profile's id (values history)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Delete a value profile (undo: tarry undo)."""
    from tarry.declare import values

    with open_store() as store:
        change = values.remove(store, profile_id)
    print_change(change, as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(values_app, name="values")
