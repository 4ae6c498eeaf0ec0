"""`tarry log` records a moment in seconds (flags, or prompts when run bare); `tarry moments`."""

from __future__ import annotations

import inspect
from textwrap import shorten
from typing import Any

import typer
from rich.markup import escape
from rich.table import Column, Table

from tarry.base.errors import Step
from tarry.cli.common import JSON_OPTION, console, open_store, print_change, print_json
from tarry.store import Store

moments_app = typer.Typer(help="Moments you logged.", no_args_is_help=True)

R17 = "1-7 (default 4)"


def log(
    ctx: typer.Context,
    with_: list[str] = typer.Option(
        [], "--with", "-w", help="Who it was with (repeatable).", metavar="NAME"
    ),
    at: str = typer.Option(
        None, "--at", help="When it began (default now; at most a day ahead).", metavar="TIME"
    ),
    length: str = typer.Option(
        None,
        "--for",
        help="How long, with a unit: 45m, 2h, 1h30m (default 30m; at most 24h).",
        metavar="DURATION",
    ),
    medium: str = typer.Option(
        None, "--medium", "-m", help="in-person, call, video, text, other.", metavar="MEDIUM"
    ),
    initiator: str = typer.Option(
        None, "--initiator", help="Who started it: me, them, mutual.", metavar="WHO"
    ),
    intimacy: int = typer.Option(
        None, "--intimacy", help=f"How close it felt, {R17}.", metavar="1-7"
    ),
    i_disclosed: int = typer.Option(
        None, "--i-disclosed", help=f"How much you shared, {R17}.", metavar="1-7"
    ),
    they_disclosed: int = typer.Option(
        None, "--they-disclosed", help=f"How much they did, {R17}.", metavar="1-7"
    ),
    pleasantness: int = typer.Option(
        None, "--pleasant", help=f"How pleasant, {R17}.", metavar="1-7"
    ),
    satisfaction: int = typer.Option(
        None, "--satisfied", help=f"How satisfying, {R17}.", metavar="1-7"
    ),
    responsiveness: int = typer.Option(
        None, "--responsive", help="Felt understood and cared for, 1-7.", metavar="1-7"
    ),
    discomfort: int = typer.Option(
        None, "--discomfort", help="Discomfort accepted, 0-10.", metavar="0-10"
    ),
    disclosure: str = typer.Option(
        None,
        "--disclosure",
        help="none, fact, thought, feeling (default: from --i-disclosed).",
        metavar="LEVEL",
    ),
    practice: list[str] = typer.Option(
        [], "--practice", "-p", help="Practices, e.g. depth+stay.", metavar="KEYS"
    ),
    note: str = typer.Option(
        None, "--note", "-n", help="What happened, in a line.", metavar="TEXT"
    ),
) -> None:
    """Log a moment with someone; with no options, asks for each detail."""
    from tarry.base import clock
    from tarry.reflect import moments
    from tarry.reflect.moments import parse_duration

    given = {k: v for k, v in ctx.params.items() if v not in (None, [], ())}  # flags given
    with open_store() as store:
        answers = ask(store) if not given else _from_flags(given, clock.parse, parse_duration)
        moment = moments.log(store, answers.pop("with_"), **answers)
    console.print(
        f"Logged moment {moment.id} with {', '.join(moment.people)}: meaningfulness"
        f" {moment.meaningfulness:g}, disclosure {moment.disclosure}.",
        markup=False,
        soft_wrap=True,
    )


def _from_flags(given: dict[str, Any], parse_time: Any, parse_duration: Any) -> dict[str, Any]:
    """The keyword arguments of moments.log from the flags given."""
    answers = {"with_": given.pop("with_", []), **given}
    if "at" in answers:
        answers["at"] = parse_time(answers["at"])
    if "length" in answers:
        answers["duration_min"] = parse_duration(answers.pop("length"))
    if "practice" in answers:
        answers["practices"] = answers.pop("practice")
    return answers


def ask(store: Store) -> dict[str, Any]:
    """Prompt for every detail of a moment (Enter keeps the default shown)."""
    from tarry.base import clock
    from tarry.base.errors import InvalidInput
    from tarry.declare import people
    from tarry.declare import practices as practice_keys
    from tarry.reflect import moments
    from tarry.reflect.moments import parse_duration

    known = ", ".join(p.name for p in people.all_people(store))
    if not known:
        raise InvalidInput(
            "There is no one to log a moment with yet.",
            "Add someone first: tarry people add NAME --relation partner|date|friend|family.",
        )
    answers: dict[str, Any] = {"with_": _prompt(f"With whom ({known})", None,
                                                 lambda t: _people(store, t))}  # fmt: skip
    answers["at"] = _prompt("When (e.g. now, yesterday 19:00, 2h ago)", "now", clock.parse)
    answers["duration_min"] = _prompt("How long", "30m", parse_duration)
    answers["medium"] = _prompt(f"Medium ({', '.join(moments.MEDIA)})", "in-person",
                                lambda t: _choice(t, moments.MEDIA))  # fmt: skip
    answers["initiator"] = _prompt("Who started it (me, them, mutual)", "mutual",
                                   lambda t: _choice(t, moments.INITIATORS))  # fmt: skip
    for name, question in QUESTIONS.items():
        answers[name] = _prompt(f"{question} (1-7)", "4", lambda t: _number(t, 1, 7))
    answers["responsiveness"] = _prompt("Did you feel understood and cared for (1-7, blank skips)",
                                        "", lambda t: _number(t, 1, 7) if t else None)  # fmt: skip
    answers["discomfort"] = _prompt("Discomfort you accepted (0-10)", "0",
                                    lambda t: _number(t, 0, 10))  # fmt: skip
    answers["practices"] = _prompt(f"Practices ({', '.join(practice_keys.KEYS)})", "",
                                   practice_keys.parse)  # fmt: skip
    answers["note"] = _prompt("Note", "", str)
    return answers


QUESTIONS = {
    "intimacy": "How close did it feel",
    "i_disclosed": "How much did you share of yourself",
    "they_disclosed": "How much did they share of themselves",
    "pleasantness": "How pleasant was it",
    "satisfaction": "How satisfying was it",
}


def _prompt(question: str, default: str | None, convert: Any) -> Any:
    """Ask until `convert` accepts the answer; tarry's own errors are shown and asked again."""
    from tarry.base.errors import TarryError

    def check(text: str) -> Any:
        try:
            return convert(text.strip())
        except TarryError as exc:
            raise typer.BadParameter(exc.message) from exc

    return typer.prompt(question, default=default, value_proc=check, show_default=bool(default))


def _people(store: Store, text: str) -> list[str]:
    from tarry.declare import people

    names = [n.strip() for n in text.split(",") if n.strip()]
    return [people.get(store, name).name for name in names]


def _number(text: str, low: int, high: int) -> int:
    if not text.isdigit() or not low <= int(text) <= high:
        raise typer.BadParameter(f"{text!r} is not a whole number from {low} to {high}.")
    return int(text)


def _choice(text: str, allowed: tuple[str, ...]) -> str:
    if text.lower() not in allowed:
        raise typer.BadParameter(f"{text!r} is not one of {', '.join(allowed)}.")
    return text.lower()


@moments_app.command("list")
def list_(
    since: str = typer.Option(None, "--since", help="Only from this day or time.", metavar="TIME"),
    with_: str = typer.Option(None, "--with", "-w", help="Only with this person.", metavar="NAME"),
    limit: int = typer.Option(
        50, "--limit", help="At most this many, newest first (0: all).", metavar="N"
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """List moments, newest first."""
    from tarry.base import clock
    from tarry.reflect import moments

    with open_store() as store:
        found = moments.all_moments(
            store,
            since=clock.parse(since, "since") if since else None,
            person=with_,
            limit=limit if limit > 0 else None,
        )
    if as_json:
        print_json([m.to_dict() for m in found])
        return
    if not found:
        console.print(nothing_found(with_, since), markup=False, soft_wrap=True)
        return
    # a time stays on its date's line; the note wraps, a word longer than its column folds
    table = Table("id", Column("when", no_wrap=True), "with", "meaning", "practices",
                  Column("note", overflow="fold"))  # fmt: skip
    for m in found:
        table.add_row(str(m.id), f"{m.at:%Y-%m-%d %H:%M}", escape(", ".join(m.people)),
                      f"{m.meaningfulness:g}", ", ".join(m.practices),
                      escape(shorten(m.note, 70, placeholder="...")))  # fmt: skip
    console.print(table)


def nothing_found(person: str | None, since: str | None) -> str:
    """One line for an empty listing, naming the filters ('No moments with Sam.')."""
    if not person and not since:
        return "No moments yet. Log one: tarry log --with NAME."
    return f"No moments{f' with {person}' if person else ''}{f' since {since}' if since else ''}."


def edit(ctx: typer.Context, moment_id: int, **flags: Any) -> None:
    """Change a moment: the options of `tarry log` given here replace what it holds (--with and
    --practice replace the whole list); the others stay as they are. Undo: tarry undo."""
    from tarry.base import clock
    from tarry.base.errors import InvalidInput
    from tarry.reflect import moments
    from tarry.reflect.moments import parse_duration

    given = {k: v for k, v in ctx.params.items() if v not in (None, [], ()) and k != "moment_id"}
    if not given:
        raise InvalidInput("Say what to change, e.g. --note or --with.", step=Step.LIST_MOMENTS)
    answers = _from_flags(given, clock.parse, parse_duration)
    names = answers.pop("with_") or None
    with open_store() as store:
        moment = moments.edit(store, moment_id, people_names=names, **answers)
    console.print(
        f"Changed moment {moment.id} with {', '.join(moment.people)}: meaningfulness"
        f" {moment.meaningfulness:g}, disclosure {moment.disclosure}.",
        markup=False,
        soft_wrap=True,
    )


# `moments edit` takes the moment's id, then every option of `tarry log`, with the same help.
edit.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [
        inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context),
        inspect.Parameter(
            "moment_id", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=int,
            default=typer.Argument(..., metavar="ID", help="The moment's id."),
        ),
        *list(inspect.signature(log, eval_str=True).parameters.values())[1:],
    ]
)  # fmt: skip
moments_app.command("edit")(edit)


@moments_app.command("remove")
def remove(
    moment_id: int = typer.Argument(..., metavar="ID", help="The moment's id."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Delete a moment (undo: tarry undo)."""
    from tarry.reflect import moments

    with open_store() as store:
        change = moments.remove(store, moment_id)
    print_change(change, as_json)


def register(app: typer.Typer) -> None:
    app.command("log")(log)
    app.add_typer(moments_app, name="moments")
