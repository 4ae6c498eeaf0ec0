"""`tarry prompt`, `tarry ritual`, `tarry stay` and `tarry deck`: practise with the content."""

from __future__ import annotations

import select
import sys
import time
from pathlib import Path

import click
import typer
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from tarry.base.errors import InvalidInput
from tarry.cli.common import JSON_OPTION, console, open_store, print_json
from tarry.declare import people
from tarry.declare.people import Person
from tarry.prompts import choose, deck, history, quality, rituals, staying
from tarry.prompts.rituals import Ratings, Ritual, Turn

prompt_app = typer.Typer(
    help="A conversation prompt that fits the person and leans one step deeper.",
    invoke_without_command=True,
)
ritual_app = typer.Typer(help="Guided check-in rituals for two people.", no_args_is_help=True)
deck_app = typer.Typer(help="Read and check the decks.", no_args_is_help=True)

WITH_HELP = "The person you are with (name or alias)."
EVENING_PRACTICES = ("depth", "seen", "priority")


@prompt_app.callback()
def prompt(
    ctx: typer.Context,
    with_: str = typer.Option(None, "--with", "-w", metavar="NAME", help=WITH_HELP),
    depth: int = typer.Option(None, "--depth", "-d", help="1 light ... 4 most vulnerable."),
    context: str = typer.Option(
        None, "--context", "-c", help="partner, date, friend, family, any."
    ),
    seed: int = typer.Option(None, "--seed", help="Choose reproducibly."),
    no_record: bool = typer.Option(False, "--no-record", help="Don't remember this use."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Pick a prompt for you and NAME, never one used with them recently, one step deeper."""
    if ctx.invoked_subcommand:
        return
    with open_store() as store:
        person = people.get(store, with_) if with_ else None
        chosen = choose.choose(store, person=person, context=context, depth=depth, seed=seed)
        if not no_record:
            choose.record(store, chosen, person)
    if as_json:
        print_json(chosen.to_dict())
        return
    level = chosen.prompt.level
    console.print(f"[bold]{escape(chosen.prompt.text)}[/]", soft_wrap=True)
    console.print(
        f"[dim]depth {level} ({choose.LEVEL_WORDS[level]}) · {chosen.context}"
        f" · practices: {', '.join(chosen.prompt.practices)}[/]"
    )
    console.print(f"[dim]Why this one: {escape(chosen.reason)}[/]", soft_wrap=True)


@prompt_app.command("evening")
def evening(
    with_: str = typer.Option(None, "--with", "-w", metavar="NAME", help=WITH_HELP),
    start: int = typer.Option(1, "--from", help="Start at this step (1-36)."),
    print_all: bool = typer.Option(False, "--print", help="Print all 36 steps and exit."),
    log: bool = typer.Option(None, "--log/--no-log", help="Log it as a moment (default: ask)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The 36-step evening: three sets of twelve that escalate, taking turns to answer first."""
    steps = deck.evening()
    if not 1 <= start <= len(steps):
        raise InvalidInput(f"--from must be a step from 1 to 36, not {start}.")
    if as_json or print_all:
        _print_evening(steps, as_json)
        return
    if not with_:
        raise InvalidInput("Who is the evening with?", "Add --with NAME (or --print to read it).")
    with open_store() as store:
        person = people.get(store, with_)
    console.print(
        f"The 36-step evening with {escape(person.name)}: three sets of twelve, each a little"
        " deeper. On every step you both answer; you take turns going first. Enter for the next"
        " step, q to stop.",
        soft_wrap=True,
    )
    began, reached = time.monotonic(), start - 1
    for step in steps[start - 1 :]:
        if step.number == 1 or step.set != steps[step.number - 2].set:
            console.print(f"\n[bold]Set {step.set} of 3[/]")
        first = "You" if step.number % 2 else person.name
        console.print(
            f"\n[dim]{step.number}/36 · {escape(first)} first[/]\n[bold]{escape(step.text)}[/]"
        )
        reached = step.number
        if _read_line().strip().lower() == "q":
            break
    console.print(f"\nYou reached step {reached} of 36.")
    use = ("evening", steps[reached - 1].id, choose.context_for(person))
    minutes = _elapsed(began, default=3 * (reached - start + 1))
    _offer_log(person, EVENING_PRACTICES, minutes, f"36-step evening, to step {reached}", use, log)


def _print_evening(steps: tuple[deck.Step, ...], as_json: bool) -> None:
    if as_json:
        print_json([s.to_dict() for s in steps])
        return
    for step in steps:
        if step.number in (1, 13, 25):
            console.print(f"\n[bold]Set {step.set}[/]")
        console.print(f"{step.number:>2}. {escape(step.text)}", soft_wrap=True)


@prompt_app.command("history")
def prompt_history(
    with_: str = typer.Option(None, "--with", "-w", metavar="NAME", help="Only uses with them."),
    limit: int = typer.Option(30, "--limit", "-n", help="How many, newest first."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List the prompts, evening steps and rituals used lately, and with whom."""
    with open_store() as store:
        found = history.history(store, person=with_, limit=limit)
    if as_json:
        print_json([u.to_dict() for u in found])
        return
    table = Table("when", "with", "kind", "depth", "text")
    for u in found:
        depth = str(u.depth) if u.depth else ""
        table.add_row(f"{u.used_at:%Y-%m-%d %H:%M}", escape(u.person or ""), u.kind, depth,
                      escape(u.text))  # fmt: skip
    console.print(table)


@ritual_app.command("list")
def ritual_list(as_json: bool = JSON_OPTION) -> None:
    """List the rituals."""
    found = rituals.rituals()
    if as_json:
        print_json([rituals.to_dict(r) for r in found])
        return
    table = Table("ritual", "title", "minutes", "cadence", "practices")
    for r in found:
        table.add_row(r.id, r.title, f"{r.minutes:g}", r.cadence, ", ".join(r.practices))
    console.print(table)


def _ritual_command(ritual_id: str) -> None:
    ritual = rituals.get(ritual_id)

    def run(
        with_: str = typer.Option(None, "--with", "-w", metavar="NAME", help=WITH_HELP),
        minutes: float = typer.Option(None, "--minutes", "-m", help="Total time; turns scale."),
        no_timer: bool = typer.Option(False, "--no-timer", help="Move on with Enter only."),
        print_plan: bool = typer.Option(False, "--print", help="Print the steps and exit."),
        log: bool = typer.Option(None, "--log/--no-log", help="Log it as a moment (default: ask)."),
        as_json: bool = JSON_OPTION,
    ) -> None:
        person = _person(with_)
        turns = rituals.plan(
            ritual, minutes=minutes, other=person.name if person else rituals.OTHER
        )
        if as_json or print_plan:
            if as_json:
                print_json(rituals.to_dict(ritual, turns))
            else:
                _show_plan(ritual, turns)
            return
        began = time.monotonic()
        _run_ritual(ritual, turns, timed=not no_timer and sys.stdin.isatty())
        planned = round(sum(t.seconds for t in turns) / 60)
        use = ("ritual", ritual.id, choose.context_for(person))
        _offer_log(person, ritual.practices, _elapsed(began, planned), "", use, log, ritual)

    run.__doc__ = f"{ritual.title} ({ritual.minutes:g} min, {ritual.cadence}): {ritual.intro}"
    ritual_app.command(ritual.id)(run)


def _person(name: str | None) -> Person | None:
    if not name:
        return None
    with open_store() as store:
        return people.get(store, name)


def _show_plan(ritual: Ritual, turns: list[Turn]) -> None:
    console.print(f"[bold]{escape(ritual.title)}[/]\n{escape(ritual.intro)}", soft_wrap=True)
    for turn in turns:
        _show_turn(turn, len(turns))
    console.print(f"\n[bold]Close[/]\n{escape(ritual.close)}", soft_wrap=True)


def _show_turn(turn: Turn, total: int) -> None:
    head = f"{turn.number}/{total} · {turn.step.title}"
    console.print(
        f"\n[bold]{escape(head)}[/] [dim]· {escape(_roles(turn))} · {_clock(turn.seconds)}[/]"
    )
    console.print(turn.step.text, soft_wrap=True, markup=False)
    for cue in turn.cues:
        console.print(f"  [dim]listener:[/] {escape(cue)}", soft_wrap=True)


def _roles(turn: Turn) -> str:
    if turn.listener is None:
        return "both of you, taking turns"
    if turn.speaker == "you":
        return f"you speak, {turn.listener} listens"
    return f"{turn.speaker} speaks, you listen"


def _run_ritual(ritual: Ritual, turns: list[Turn], *, timed: bool) -> None:
    console.print(f"[bold]{escape(ritual.title)}[/]\n{escape(ritual.intro)}", soft_wrap=True)
    for turn in turns:
        _show_turn(turn, len(turns))
        if timed:
            _countdown(turn.seconds)
        else:
            _pause("Enter when you're done")
    console.print(f"\n[bold]Close[/]\n{escape(ritual.close)}", soft_wrap=True)


def _countdown(seconds: int) -> None:
    """Show the time left; Enter moves on early. When time is up, wait for Enter."""
    end = time.monotonic() + seconds
    with Live(console=console, transient=True, auto_refresh=False) as live:
        while (left := end - time.monotonic()) > 0:
            live.update(f"  {_clock(round(left))} left · Enter to move on", refresh=True)
            ready, _, _ = select.select([sys.stdin], [], [], min(1.0, left))
            if ready:
                sys.stdin.readline()
                return
    console.bell()  # a control code: text printed is shown as text (cli.common.TextConsole)
    console.print("  Time. Finish the sentence, then press Enter.", end="")
    sys.stdin.readline()


def _pause(text: str) -> None:
    console.print(f"  [dim]{text}[/]", end="")
    _read_line()
    console.print()


def _read_line() -> str:
    """One line from stdin; '' at the end of input, so piped runs never block."""
    return sys.stdin.readline()


def _clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def _elapsed(began: float, default: int) -> int:
    minutes = round((time.monotonic() - began) / 60)
    return minutes if minutes >= 1 else default


def _offer_log(
    person: Person | None,
    practices: tuple[str, ...],
    minutes: int,
    note: str,
    use: tuple[str, str, str],
    log: bool | None,
    ritual: Ritual | None = None,
) -> None:
    """Ask (unless --log/--no-log said) whether to log a moment; then ask the ratings."""
    if log is None:
        who = f" with {person.name}" if person else ""
        console.print(
            f"\nLog this as a moment{escape(who)} ({', '.join(practices)})? [Y/n] ", end=""
        )
        answer = _read_line()
        log = bool(answer) and answer.strip().lower() in ("", "y", "yes")
        if not answer:
            console.print()
    if not log:
        console.print("Not logged.")
        return
    name = person.name if person else click.prompt("With whom (name or alias)")
    ratings = _ask_ratings()
    with open_store() as store:
        person = people.get(store, name)
        if ritual:
            moment_id = rituals.log(store, ritual, person, minutes=minutes, ratings=ratings)
        else:
            moment_id = rituals.log_moment(store, person, practices, minutes, ratings, note, use)
    console.print(f"Logged moment {moment_id} ({minutes} min; {', '.join(practices)}).")


def _ask_ratings() -> Ratings:
    scale = click.IntRange(1, 7)

    def ask(text: str) -> int:
        return int(click.prompt(f"{text} (1-7)", default=4, type=scale))

    return Ratings(
        intimacy=ask("How close did it feel"),
        i_disclosed=ask("How much did you share of yourself"),
        they_disclosed=ask("How much did they share"),
        pleasantness=ask("How pleasant was it"),
        satisfaction=ask("How satisfying"),
        disclosure=click.prompt(
            "The deepest you shared: none, fact, thought or feeling",
            default="feeling",
            type=click.Choice(["none", "fact", "thought", "feeling"]),
            show_choices=False,
        ),
    )


def stay(
    urge: str = typer.Argument(None, help="What you feel pulled to do: fix, minimise, redirect..."),
    show_all: bool = typer.Option(False, "--all", help="Show every card."),
    seed: int = typer.Option(None, "--seed", help="Choose reproducibly."),
    as_json: bool = JSON_OPTION,
) -> None:
    """A staying card for when you feel the urge to redirect, fix or flee."""
    cards = list(staying.cards()) if show_all else [staying.card(urge, seed=seed)]
    if as_json:
        print_json([c.to_dict() for c in cards] if show_all else cards[0].to_dict())
        return
    for card in cards:
        console.print(f"\n[bold]{escape(card.title)}[/]\n{escape(card.text)}", soft_wrap=True)
        console.print(f"[italic]Try: {escape(card.say)}[/]", soft_wrap=True)
    if not show_all:
        console.print(f"\n[dim]Other urges: {', '.join(staying.urges())}[/]", soft_wrap=True)


@deck_app.command("review")
def review(
    context: str = typer.Option(None, "--context", "-c", help="Only prompts that fit it."),
    depth: int = typer.Option(None, "--depth", "-d", help="Only this level (1-4)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Print a deck for reading, level by level, with ids, contexts and practices."""
    if context:
        deck.check_context(context)
    if depth is not None:
        deck.check_level(depth)
    found = deck.select(deck.prompts(), context=context, level=depth)
    if as_json:
        print_json([p.to_dict() | {"id": p.id} for p in found])
        return
    for level in sorted({p.level for p in found}):
        console.print(f"\n[bold]Depth {level}: {choose.LEVEL_WORDS[level]}[/]")
        for p in (p for p in found if p.level == level):
            console.print(p.text, soft_wrap=True, markup=False)
            console.print(f"  [dim]{p.id} · {', '.join(p.contexts)} · {', '.join(p.practices)}[/]")
    console.print(f"\n{len(found)} prompts.")


@deck_app.command("check")
def check(
    content: Path = typer.Option(None, "--content", help="Check another content folder."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Validate every content file and look for near-duplicate prompts (exit 1 if any)."""
    report = quality.check(content.resolve() if content else deck.CONTENT)
    if as_json:
        print_json(report.to_dict())
    else:
        counts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in report.counts.items())
        console.print(f"Valid: {counts}.")
        levels = ", ".join(f"depth {k}: {v}" for k, v in sorted(report.levels.items()))
        console.print(f"Prompts by {levels}.")
        for pair in report.duplicates:
            console.print(
                f"Near-duplicate: {pair.first} and {pair.second}"
                f" (word overlap {pair.jaccard:.2f}, text ratio {pair.ratio:.2f})"
            )
        if not report.duplicates:
            console.print("No near-duplicates.")
    if report.duplicates:
        sys.exit(1)  # like a linter: the content needs a look


def register(app: typer.Typer) -> None:
    for ritual in rituals.rituals():
        _ritual_command(ritual.id)
    app.add_typer(prompt_app, name="prompt")
    app.add_typer(ritual_app, name="ritual")
    app.command("stay")(stay)
    app.add_typer(deck_app, name="deck")
