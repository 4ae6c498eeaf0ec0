"""`tarry together`: pair with someone, answer then reveal, check in, share protected time."""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from tarry.base.errors import InvalidInput, Misbehaved
from tarry.cli.common import JSON_OPTION, console, err_console, open_store, print_json
from tarry.commit.commitments import parse_when
from tarry.reflect.moments import parse_duration
from tarry.store import Store
from tarry.together import checkins, inbox, nudges, pairing, pairs, rounds, shared_time, sync

together_app = typer.Typer(
    help="Two people, end to end encrypted: pair, answer then reveal, check in, share time.",
    no_args_is_help=True,
)
checkin_app = typer.Typer(
    help="A check-in at a distance: one ritual, two screens.", no_args_is_help=True
)

NAME = typer.Argument(..., metavar="NAME", help="The person you are paired with.")
ROUND = typer.Option(None, "--round", metavar="ID", help="Which question (default: the newest).")


def _sent(store: Store) -> None:
    """Try to send at once; say so when it has to wait."""
    report = sync.try_send(store)
    if report.unreachable:
        err_console.print(
            f"Queued: {escape(report.unreachable)} It goes out at the next `tarry together sync`.",
            soft_wrap=True,
        )
    _alerts(report.alerts)


def _alerts(found: list[inbox.Alert]) -> None:
    for alert in found:
        err_console.print(f"[bold red]warning:[/] {escape(alert.text())}", soft_wrap=True)


@together_app.command("relay")
def relay(
    url: str = typer.Argument(None, metavar="URL", help="The relay's address (https://...)."),
) -> None:
    """Choose the relay (or show it). Nothing is sent to it until you pair."""
    with open_store() as store:
        if url:
            url = pairs.set_relay(store, url)
        chosen = pairs.relay_url(store)
    console.print(f"relay: {chosen}" if chosen else "No relay chosen.", soft_wrap=True)


@together_app.command("pair")
def pair(
    with_: str = typer.Option(..., "--with", "-w", metavar="NAME", help="Who you pair with."),
    relation: str = typer.Option(
        "partner", "--relation", help="If NAME is new: partner, friend ..."
    ),
) -> None:
    """Show a single-use code for the other person to type, and wait (ten minutes) for them."""
    with open_store() as store:
        pairs.check_free(store, with_)
        client = pairs.client_for(store)
        invitation = pairing.invite(client)
        console.print(f"Pairing code: [bold]{invitation.code.text}[/]")
        console.print(
            f"On the other device: tarry together join {invitation.code.text} --with"
            " YOUR-NAME\nWaiting (the code works once, for ten minutes) ...",
            soft_wrap=True,
        )
        sys.stdout.flush()
        paired = pairing.finish_invitation(client, invitation)
        kept = pairs.keep(store, client, paired, with_, relation)
    _paired(kept)


@together_app.command("join")
def join(
    code: str = typer.Argument(..., metavar="CODE", help="The code the other person shows."),
    with_: str = typer.Option(..., "--with", "-w", metavar="NAME", help="Who you pair with."),
    relation: str = typer.Option(
        "partner", "--relation", help="If NAME is new: partner, friend ..."
    ),
) -> None:
    """Type the other person's pairing code to pair with them."""
    parsed = pairing.parse_code(code)
    with open_store() as store:
        pairs.check_free(store, with_)
        client = pairs.client_for(store)
        kept = pairs.keep(store, client, pairing.accept(client, parsed), with_, relation)
    _paired(kept)


def _paired(kept: pairs.Pair) -> None:
    console.print(f"Paired with {escape(kept.person)}.")
    console.print(f"Safety number: [bold]{kept.safety}[/]")
    console.print("Read it out loud to each other: if the numbers differ, unpair at once.")


@together_app.command("list")
def list_pairs(as_json: bool = JSON_OPTION) -> None:
    """Who you are paired with: safety numbers, depth, what waits to be sent."""
    with open_store() as store:
        found = pairs.all_pairs(store)
    if as_json:
        print_json([p.to_dict() for p in found])
        return
    if not found:
        console.print("Not paired with anyone. Start with `tarry together pair --with NAME`.")
    for p in found:
        state = "unpaired" if not p.active else f"depth {p.depth}, {p.queued} queued"
        console.print(
            f"[bold]{escape(p.person)}[/]  {state}  safety {p.safety}  via {p.relay}",
            soft_wrap=True,
        )


@together_app.command("unpair")
def unpair(name: str = NAME) -> None:
    """Revoke the pair here, on the relay, and so on the other side."""
    with open_store() as store:
        found, told = pairs.unpair(store, name)
    console.print(
        f"Unpaired from {escape(found.person)}."
        + ("" if told else " The relay is told at the next `tarry together sync`.")
    )


@together_app.command("depth")
def depth(
    name: str = NAME,
    level: int = typer.Argument(..., metavar="N", help="1 light ... 4 most vulnerable."),
) -> None:
    """Say how deep you want questions with NAME to go; the depth is the one you both said."""
    with open_store() as store:
        pair = pairs.get(store, name)
        rounds.set_depth(store, pair, level)
        _sent(store)
        pair = pairs.get(store, name)
    console.print(
        f"You said depth {pair.depth_mine}; {escape(pair.person)} said"
        f" {pair.depth_theirs}. Questions come at depth {pair.depth}."
    )


@together_app.command("ask")
def ask(
    name: str = NAME,
    prompt: str = typer.Option(
        None, "--prompt", metavar="ID", help="A prompt id (default: one picked)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Ask NAME a question from the deck: you both answer, then both answers are revealed."""
    with open_store() as store:
        found = rounds.open_round(store, pairs.get(store, name), prompt)
        _sent(store)
    if as_json:
        print_json(found.to_dict())
        return
    console.print(f"[bold]{escape(found.prompt)}[/]  (question {found.round_id})", soft_wrap=True)
    console.print(f"Answer with `tarry together answer {found.person} --text ...`.", markup=False)


def _text(text: str | None) -> str:
    if text is not None:
        return text
    if sys.stdin.isatty():
        raise InvalidInput("What is your answer?", "Give it with --text TEXT, or pipe it in.")
    return sys.stdin.read()


@together_app.command("answer")
def answer(
    name: str = NAME,
    text: str = typer.Option(None, "--text", "-t", help="Your answer (else read from stdin)."),
    round_id: str = ROUND,
) -> None:
    """Answer the open question; it is sealed until NAME has answered too."""
    with open_store() as store:
        pair = pairs.get(store, name)
        target = round_id or rounds.current(store, pair).round_id
        found = rounds.answer(store, pair, target, _text(text))
        _sent(store)
        found = rounds.get(store, found.round_id)
    console.print(f"Answered. {_state_line(found)}", soft_wrap=True, markup=False)


def _state_line(found: rounds.Round) -> str:
    return {
        "your turn": f"Waiting for your answer to {found.person}'s question.",
        "waiting for them": f"Sealed until {found.person} answers too.",
        "revealing": "Both answered; the keys are on their way.",
        "revealed": "Both answers are revealed: `tarry together show " + found.person + "`.",
        "broken": f"Not shown: {found.broken}.",
    }[found.state]


@together_app.command("show")
def show(name: str = NAME, round_id: str = ROUND, as_json: bool = JSON_OPTION) -> None:
    """Show a question: its state, both answers once revealed, and the thread."""
    with open_store() as store:
        pair = pairs.get(store, name)
        found = rounds.get(store, round_id) if round_id else rounds.current(store, pair)
        rounds.mark_seen(store, found.round_id)
    if as_json:
        print_json(found.to_dict())
        return
    console.print(
        f"[bold]{escape(found.prompt)}[/]  (question {found.round_id}, depth {found.depth})",
        soft_wrap=True,
    )
    console.print(_state_line(found), soft_wrap=True)
    if found.my_answer is not None:
        console.print(f"You: {escape(found.my_answer)}", soft_wrap=True)
    if found.their_answer is not None:
        console.print(f"{escape(found.person)}: {escape(found.their_answer)}", soft_wrap=True)
    for r in found.replies:
        who = "You" if r.author == "me" else found.person
        console.print(f"  {escape(who)}: {escape(r.text)}", soft_wrap=True)


@together_app.command("reply")
def reply(
    name: str = NAME,
    text: str = typer.Argument(..., metavar="TEXT", help="Your reply."),
    round_id: str = ROUND,
) -> None:
    """Reply in a question's thread, once both answers are revealed."""
    with open_store() as store:
        pair = pairs.get(store, name)
        target = round_id or rounds.current(store, pair).round_id
        rounds.reply(store, pair, target, text)
        _sent(store)
    console.print("Replied.")


@together_app.command("propose")
def propose(
    name: str = NAME,
    title: str = typer.Argument(..., metavar="TITLE", help="What, e.g. 'Phone-free dinner'."),
    every: str = typer.Option(None, "--every", help="'thursday 19:00', 'day 7:30', 'month'."),
    rrule: str = typer.Option(None, "--rrule", help="An RFC 5545 RRULE instead of --every."),
    start: str = typer.Option(None, "--start", help="First occurrence, e.g. '2026-11-19 19:00'."),
    duration: str = typer.Option("1h", "--for", help="How long each time: 2h, 90m."),
    practice: list[str] = typer.Option(None, "--practice", "-p", help="A practice it serves."),
    note: str = typer.Option("", "--note", help="A note."),
) -> None:
    """Propose protected time with NAME; once they accept it is in both stores and calendars."""
    from tarry.base import clock

    with open_store() as store:
        found = shared_time.propose(
            store,
            pairs.get(store, name),
            title,
            every=every,
            rrule=rrule,
            start=clock.parse(start) if start else None,
            duration_min=parse_duration(duration),
            practices=practice or None,
            note=note,
        )
        _sent(store)
    console.print(
        f"Proposed {escape(found.title)} ({found.describe()}) to {escape(found.person)}"
        f" (id {found.proposal_id}).",
        soft_wrap=True,
    )


@together_app.command("accept")
def accept(
    name: str = NAME,
    ref: str = typer.Argument(..., metavar="ID", help="The proposal (id or title)."),
) -> None:
    """Accept NAME's proposed time: it becomes a commitment here and there."""
    with open_store() as store:
        found = shared_time.accept(store, pairs.get(store, name), ref)
        _sent(store)
    console.print(f"Accepted {escape(found.title)}: commitment {found.commitment_id}.")


@together_app.command("decline")
def decline(
    name: str = NAME,
    ref: str = typer.Argument(..., metavar="ID", help="The proposal (id or title)."),
) -> None:
    """Decline NAME's proposed time."""
    with open_store() as store:
        found = shared_time.decline(store, pairs.get(store, name), ref)
        _sent(store)
    console.print(f"Declined {escape(found.title)}.")


@together_app.command("time")
def time_(name: str = NAME, as_json: bool = JSON_OPTION) -> None:
    """Shared time with NAME: proposals, accepted and declined."""
    with open_store() as store:
        pair = pairs.get(store, name)
        found = shared_time.for_pair(store, pair)
        nudges.mark_news_seen(store, pair)
    if as_json:
        print_json([p.to_dict() for p in found])
        return
    for p in found:
        by = "you" if p.proposed_by == "me" else p.person
        console.print(
            f"{p.proposal_id}  {escape(p.title)}  {p.describe()}  {p.status} (by {escape(by)})",
            soft_wrap=True,
        )


@together_app.command("mark")
def mark(
    name: str = NAME,
    ref: str = typer.Argument(..., metavar="ID", help="The shared time (id or title)."),
    status: str = typer.Argument(..., metavar="STATUS", help="kept, traded, skipped or pending."),
    on: str = typer.Option(None, "--on", help="Which occurrence (a date; default the latest)."),
    traded_for: str = typer.Option(None, "--for", help="What it was traded for."),
    tell_why: bool = typer.Option(False, "--tell-why", help="Tell NAME what it was traded for."),
    note: str = typer.Option("", "--note", help="A note (kept here)."),
) -> None:
    """Mark your own occurrence of shared time and tell NAME (the why only with --tell-why)."""
    with open_store() as store:
        done = shared_time.mark(
            store,
            pairs.get(store, name),
            ref,
            status,
            when=parse_when(on) if on else None,
            traded_for=traded_for,
            note=note,
            tell_why=tell_why,
        )
        _sent(store)
    console.print(f"Marked {escape(done.title)} on {done.scheduled_at:%Y-%m-%d %H:%M} {status}.")


@checkin_app.command("start")
def checkin_start(
    name: str = NAME,
    ritual: str = typer.Option("checkin", "--ritual", help="Which ritual (`tarry ritual list`)."),
    minutes: float = typer.Option(
        None, "--minutes", help="Minutes in all (default: the ritual's)."
    ),
    first: str = typer.Option("me", "--first", help="Who speaks first: me or them."),
    in_minutes: float = typer.Option(0, "--in", help="Start in this many minutes."),
) -> None:
    """Start a check-in with NAME: the same turns and timer on both screens."""
    with open_store() as store:
        found = checkins.start(
            store,
            pairs.get(store, name),
            ritual,
            minutes=minutes,
            first=first,
            in_minutes=in_minutes,
        )
        _sent(store)
    console.print(
        f"Check-in {found.checkin_id} with {escape(found.person)}:"
        f" {escape(found.ritual.title)}, {found.minutes:g} min."
    )


@checkin_app.command("show")
def checkin_show(
    name: str = NAME,
    checkin_id: str = typer.Option(None, "--id", help="Which check-in (default: the latest)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The check-in's turns from your side, and which one is now."""
    with open_store() as store:
        pair = pairs.get(store, name)
        found = checkins.get(store, checkin_id) if checkin_id else checkins.latest(store, pair)
    if as_json:
        print_json(found.to_dict())
        return
    now = found.now()
    for turn in found.turns():
        mark_ = ">" if now and now[0] == turn.number else " "
        listener = (
            f"; {turn.listener} listen{'' if turn.listener == 'you' else 's'}"
            if turn.listener
            else ""
        )
        console.print(
            f"{mark_} {turn.number}. {escape(turn.step.title)}: {escape(turn.speaker)}"
            f" speak{listener} ({turn.seconds // 60} min)",
            soft_wrap=True,
        )
        for cue in turn.cues:
            console.print(f"    listener: {escape(cue)}", soft_wrap=True)
    if now:
        console.print(f"Now: turn {now[0]}, {now[1] // 60}:{now[1] % 60:02d} left.")


@checkin_app.command("rate")
def checkin_rate(
    name: str = NAME,
    heard: int = typer.Option(..., "--heard", help="How heard you felt, 1-7."),
    checkin_id: str = typer.Option(None, "--id", help="Which check-in (default: the latest)."),
    intimacy: int = typer.Option(4, "--intimacy", help="How close it felt, 1-7."),
    note: str = typer.Option("", "--note", help="A note for your own moment."),
) -> None:
    """Rate how heard you felt: a moment in your own store (NAME learns only that you rated)."""
    with open_store() as store:
        pair = pairs.get(store, name)
        target = checkin_id or checkins.latest(store, pair).checkin_id
        moment = checkins.rate(store, pair, target, heard=heard, intimacy=intimacy, note=note)
        _sent(store)
    console.print(f"Logged as moment {moment.id}.")


@together_app.command("sync")
def sync_(
    wait: float = typer.Option(0, "--wait", help="Wait up to this many seconds for new messages."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Send what waits in the outbox and receive what came, checking every message."""
    with open_store() as store:
        report = sync.sync(store, wait=wait)
        if report.alerts:
            inbox.mark_alerts_seen(store)
    if as_json:
        print_json(report.to_dict())
    else:
        console.print(f"Sent {report.sent}, received {report.received}, {report.queued} queued.")
        for name in report.revoked:
            console.print(f"{escape(name)} unpaired.")
        if report.unreachable:
            err_console.print(escape(report.unreachable), soft_wrap=True)
    if report.alerts:
        _alerts(report.alerts)
        raise Misbehaved(
            f"The relay misbehaved ({len(report.alerts)} alert(s) above); nothing it"
            " altered was believed.",
            "If it goes on, choose another relay.",
        )


@together_app.command("status")
def status(as_json: bool = JSON_OPTION) -> None:
    """What waits for you from the people you are paired with (from this device only)."""
    with open_store() as store:
        found = nudges.nudges(store)
        inbox.mark_alerts_seen(store)
    if as_json:
        print_json([n.to_dict() for n in found])
        return
    if not found:
        console.print("Nothing waits for you.")
    for n in found:
        console.print(f"- {escape(n.text)}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    together_app.add_typer(checkin_app, name="checkin")
    app.add_typer(together_app, name="together")
