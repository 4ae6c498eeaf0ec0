"""`tarry mirror label | report | eval`: label messages, show how conversations go, score."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable
from pathlib import Path

import typer
from rich import box
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from tarry.base import clock
from tarry.cli.common import JSON_OPTION, console, open_store, print_json
from tarry.cli.mirror import mirror_app
from tarry.mirror import evaluation
from tarry.mirror.contract import label_lines
from tarry.mirror.conversations import Met, Numbers, Period
from tarry.mirror.notable import Moments
from tarry.mirror.person_report import PersonReport, person_report
from tarry.mirror.report import bar, minutes, percent, sparkline

SIDES = (("me", "you"), ("them", "them"))


@mirror_app.command("label")
def label_cmd(
    evidence: bool = typer.Option(
        False,
        "--evidence",
        help="Add an 'evidence' field: the words behind each label, and what a move answers.",
    ),
    scores: bool = typer.Option(
        False,
        "--scores",
        help="Add a 'scores' field: the calibrated probability of each label.",
    ),
    jobs: int = typer.Option(
        0,
        "--jobs",
        "-j",
        help="Worker processes for big inputs read from a file (default: cores, at most 4).",
    ),
) -> None:
    """Label messages: JSON Lines on stdin, one answer line per request on stdout.

    Reads {"id","text","context"} and writes {"id","disclosure","moves","question"}, the label
    contract in docs/design.md.

    Answers come in input order, written as soon as no more input is waiting (a tool may send
    one line and wait for its answer); big inputs are labelled in batches, in worker processes.
    A bad line stops the run with exit 2, naming the line; the answers to the lines before it
    have been written.
    """
    out = sys.stdout.buffer
    workers = jobs or min(os.cpu_count() or 1, 4)
    label_lines(
        _input(), out.write, evidence=evidence, scores=scores, flush=out.flush, jobs=workers
    )


def _input() -> int | Iterable[bytes]:
    """Standard input's file descriptor, read as lines arrive; or, when it has none (an
    in-memory stream, as in tests), its lines."""
    try:
        return sys.stdin.fileno()
    except (OSError, ValueError, io.UnsupportedOperation):
        return sys.stdin.buffer


@mirror_app.command("report")
def report(
    person: str = typer.Option(..., "--person", "-p", help="Name or alias of the person."),
    since: str = typer.Option(None, "--since", metavar="DATE", help="Only messages from DATE on."),
    by: str = typer.Option("month", "--by", help="Group the numbers by week or month."),
    chat: str = typer.Option(None, "--chat", help="Only the imported chat with this title."),
    as_json: bool = JSON_OPTION,
) -> None:
    """How your conversations with PERSON go: depth, how pain was met, who reaches out."""
    start = clock.parse(since, "since") if since else None
    with open_store() as store:
        found = person_report(store, person, since=start, by=by, chat=chat)
    if as_json:
        print_json(found.to_dict())
        return
    _render_report(found)


def _render_report(data: PersonReport) -> None:
    total = data.total
    since = f" since {data.since[:10]}" if data.since else ""
    chat = f", chat {data.chat!r}" if data.chat else ""
    console.print(f"[bold]Mirror: {escape(data.person)}[/]{escape(chat)}{since}")
    if not total.conversations:
        console.print(
            "No imported messages. Import a chat: `tarry import chat FILE --person NAME`."
        )
        return
    console.print(_each_way(total))
    console.print(_met_table("How their feelings were met", total.their_feelings_met, "you"))
    console.print(_met_table("How your feelings were met", total.my_feelings_met, "they"))
    console.print(_periods(data.periods, data.by))
    _render_moments(data.notable)


def _each_way(total: Numbers) -> Table:
    table = Table("each way", "you", "them", title=f"{total.conversations} conversations")
    rows = [
        ("messages", lambda s: str(total.messages.of(s))),
        ("words", lambda s: str(total.words.of(s))),
        ("conversations started", lambda s: str(total.started.of(s))),
        ("median reply time", lambda s: minutes(total.response_minutes.of(s))),
        ("depth (0 none .. 3 feeling)", lambda s: _mean(total.depth.of(s).mean)),
        ("feeling disclosures", lambda s: str(total.depth.of(s).feeling)),
        ("follow-up questions per message", lambda s: percent(total.follow_up_rate.of(s))),
        ("depth met with depth", lambda s: percent(total.reciprocity.of(s))),
    ]
    for name, value in rows:
        table.add_row(name, *(value(side) for side, _ in SIDES))
    return table


def _mean(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _met_table(title: str, met: Met, who: str) -> Table:
    table = Table(f"{who} met it first by", "times", "share", "", title=f"{title} ({met.total})")
    for kind, count in met.counts.items():
        if count:
            share = met.shares[kind]
            table.add_row(kind, str(count), percent(share), bar(share))
    table.caption = (
        "Feelings the mirror is sure of, each counted once, by the first move of the reply "
        "it is sure of; the shares add up to 100%."
    )
    return table


def _periods(periods: list[Period], by: str) -> Table:
    table = Table(by, "messages you/them", "started you/them", "depth you/them", "their feelings")
    for p in periods:
        n = p.numbers
        table.add_row(
            p.period,
            f"{n.messages.me}/{n.messages.them}",
            f"{n.started.me}/{n.started.them}",
            f"{_mean(n.depth.me.mean)}/{_mean(n.depth.them.mean)}",
            str(n.their_feelings_met.total),
        )
    messages = [p.numbers.messages.me + p.numbers.messages.them for p in periods]
    table.caption = (
        f"messages {sparkline(messages)}   your depth "
        f"{sparkline([p.numbers.depth.me.mean for p in periods], top=3)}   their depth "
        f"{sparkline([p.numbers.depth.them.mean for p in periods], top=3)}"
    )
    return table


MOMENT_TITLES = {
    "their_hardest": "Their hardest disclosures",
    "my_vulnerable": "Your vulnerable disclosures",
    "fixed": "Their pain met by fixing or playing it down",
    "redirects": "Redirects after a hard disclosure",
}


def _render_moments(notable: Moments) -> None:
    """Each moment as its time beside its words, the reply and the reason under the words: a
    long line wraps under its own column, not back to the margin."""
    for key, title in MOMENT_TITLES.items():
        console.print(f"\n[bold]{title}[/]")
        found = getattr(notable, key)
        if not found:
            console.print("  none")
            continue
        grid = Table.grid(padding=(0, 2), pad_edge=True)
        grid.add_column(no_wrap=True)
        grid.add_column()
        for m in found:
            grid.add_row(m.at.replace("T", " "), Text(m.excerpt))
            if m.reply:
                grid.add_row("", Text(f"reply: {m.reply}"))
            grid.add_row("", Text(f"why: {m.reason}"))
        console.print(grid)


@mirror_app.command("eval")
def eval_cmd(
    path: Path = typer.Argument(
        None, metavar="FILE.jsonl", help="Labelled messages (default: tarry's held-out chats)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Score the labeller on labelled messages: P/R/F1 per label, baselines, confusion.

    FILE.jsonl holds label requests with their gold labels: {"id","text","context","gold":
    {"disclosure","moves","question"}} (any of the three). Without FILE: the held-out test
    split of tarry's own labelled chats. Baselines: all positive (every message gets the label)
    and majority (every message gets the commonest value). labelled per gold: messages given each
    label for every one the gold gives it (above 1, counts made from the labels run high).
    """
    examples = evaluation.read_file(path) if path else evaluation.shipped("chats-test")
    families = evaluation.evaluate(examples)
    name = escape(str(path)) if path else "chats-test (held out)"
    if as_json:
        print_json({"set": name, **evaluation.to_dict(families)})
        return
    for family in families:
        console.print(_family_table(family, name))
        console.print(_confusion_table(family))
    beaten = all(f.beats() for f in families)
    console.print(f"Every label above its all-positive baseline: {'yes' if beaten else 'no'}")


def _figures(first: str, *columns: str, title: str) -> Table:
    """A table of figures that fits an 80-column terminal (eight columns of them): no borders
    between columns, figures aligned right; a long header goes on two lines ("a\nb")."""
    table = Table(first, *columns, title=title, box=box.SIMPLE_HEAD, show_edge=False,
                  collapse_padding=True)  # fmt: skip
    for column in table.columns[1:]:
        column.justify = "right"
    return table


def _family_table(family: evaluation.Family, name: str) -> Table:
    table = _figures("label", "precision", "recall", "F1", "support", "labelled\nper gold",
                     "all-positive\nF1", "majority\nF1",
                     title=f"{family.name} ({name}, {family.lines} messages)")  # fmt: skip
    for s in family.scores:
        table.add_row(
            s.label, f"{s.precision:.2f}", f"{s.recall:.2f}", f"{s.f1:.2f}", str(s.support),
            _labelled(s), f"{s.all_positive_f1:.2f}", f"{s.majority_f1:.2f}",
        )  # fmt: skip
    exact = "exact set " if family.name == "moves" else ""
    table.caption = (
        f"macro-F1 {family.macro_f1:.3f}; {exact}accuracy {family.accuracy:.3f} "
        f"(majority {family.majority_accuracy:.3f})"
    )
    return table


def _labelled(score: evaluation.Score) -> str:
    """Messages given the label for each one the gold gives it: 1.00 when counts made from these
    labels come out right, above when they run high."""
    return f"{score.labelled / score.support:.2f}" if score.support else "–"


def _confusion_table(family: evaluation.Family) -> Table:
    columns = list(next(iter(family.confusion.values())))
    first = "move" if family.name == "moves" else "gold \\ predicted"
    table = _figures(first, *columns, title=f"{family.name}: confusion")
    for row, counts in family.confusion.items():
        table.add_row(row, *(str(counts[c]) for c in columns))
    return table


def register(app: typer.Typer) -> None:
    """The commands attach to `tarry mirror` (cli/mirror.py registers the group)."""
