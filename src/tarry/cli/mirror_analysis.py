"""`tarry mirror label | report | evaluate`: label messages, show how conversations go, score."""

from __future__ import annotations

import io
import os
import stat
import sys
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

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
        help="Add an 'evidence' field: the words or relation behind each label.",
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

    Answers come in input order. From a pipe each answer is written as soon as its line is
    read; from a file (< FILE) big inputs are labelled in worker processes. A bad line stops
    the run with exit 2, naming the line; the answers to the lines before it have been written.
    """
    out = sys.stdout.buffer
    each = _interactive(sys.stdin)
    workers = jobs or min(os.cpu_count() or 1, 4)
    label_lines(
        sys.stdin.buffer, out.write, evidence=evidence, flush=out.flush, jobs=workers, each=each
    )


def _interactive(stream: Any) -> bool:
    """A pipe or terminal: answer each line at once, the writer may wait for it."""
    try:
        return not stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except (OSError, ValueError, io.UnsupportedOperation):
        return False  # an in-memory input: all of it is there already


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
    table = Table(f"{who} replied with", "times", "share", "", title=f"{title} ({met.total})")
    for kind, count in met.counts.items():
        if count:
            share = met.shares[kind]
            table.add_row(kind, str(count), percent(share), bar(share))
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
    "redirects": "Redirects after a hard disclosure",
}


def _render_moments(notable: Moments) -> None:
    for key, title in MOMENT_TITLES.items():
        console.print(f"\n[bold]{title}[/]")
        found = getattr(notable, key)
        if not found:
            console.print("  none")
        for m in found:
            console.print(f"  {m.at}  {m.excerpt}", markup=False)
            if m.reply:
                console.print(f"      reply: {m.reply}", markup=False)
            console.print(f"      why: {m.reason}", markup=False)


@mirror_app.command("evaluate")
def evaluate(
    split: str = typer.Option("dev", "--split", help="dev, test (held out) or all."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Score the labeller on tarry's own labelled exchanges: P/R/F1 per label vs majority."""
    families = evaluation.evaluate(split)
    if as_json:
        print_json({"split": split, **evaluation.to_dict(families)})
        return
    for family in families:
        console.print(_family_table(family, split))
    beaten = all(f.beats_baseline() for f in families)
    console.print(f"Every label above its majority baseline: {'yes' if beaten else 'no'}")


def _family_table(family: evaluation.Family, split: str) -> Table:
    table = Table("label", "precision", "recall", "F1", "support", "majority F1")
    table.title = f"{family.name} ({split})"
    for s in family.scores:
        table.add_row(
            s.label, f"{s.precision:.2f}", f"{s.recall:.2f}", f"{s.f1:.2f}", str(s.support),
            f"{s.baseline_f1:.2f}",
        )  # fmt: skip
    table.caption = (
        f"macro-F1 {family.macro_f1:.3f} (majority {family.baseline_macro_f1:.3f}); "
        f"accuracy {family.accuracy:.3f} (majority {family.baseline_accuracy:.3f})"
    )
    return table


def register(app: typer.Typer) -> None:
    """The commands attach to `tarry mirror` (cli/mirror.py registers the group)."""
