"""The CLI's words for library errors: a field becomes the flag of the command that ran, a step
becomes the command that takes it. Rendered once, by cli/main.py."""

from __future__ import annotations

import re
import shlex

import click

from tarry.base.errors import Step, TarryError, plain_expectation

# How to take each next step from the terminal.
STEPS: dict[Step, str] = {
    Step.INIT: "Run `tarry init` first.",
    Step.ENCRYPT: "Encrypt it first: `tarry encrypt`.",
    Step.RESTORE: "Restore a backup: `tarry restore FILE`.",
    Step.BACKUP: "Make a backup: `tarry backup`.",
    Step.EXPORT: "Export again with `tarry export --json --output FILE`.",
    Step.CHANGE_PASSPHRASE: "Set a new one with your recovery key: "
    "`tarry passphrase change --recovery`.",
    Step.LIST_PEOPLE: "See `tarry people list`, or add them: `tarry people add NAME`.",
    Step.ADD_PERSON: "Add them: `tarry people add NAME`.",
    Step.EDIT_PERSON: "Change the one you have: `tarry people edit NAME`.",
    Step.LIST_COMMITMENTS: "See `tarry commit list`.",
    Step.LIST_ALL_COMMITMENTS: "See `tarry commit list --all`.",
    Step.LIST_MOMENTS: "See `tarry moments list`.",
    Step.LIST_TRADEOFFS: "See `tarry tradeoffs list`.",
    Step.LIST_ENTRIES: "See `tarry entries list`.",
    Step.VALUE_HISTORY: "See `tarry values history`.",
    Step.RATE_VALUES: "Rate what matters: `tarry values`.",
    Step.IMPORT_CALENDAR: "Import one: `tarry import calendar FILE.ics`.",
    Step.IMPORT_CHAT: "Import one: `tarry import chat FILE --person NAME`.",
    Step.LIST_CALENDARS: "See `tarry calendar list`.",
    Step.LIST_CALENDAR_RULES: "See `tarry calendar rules`.",
    Step.WRITE_PIPED: "Or pipe the text: echo '...' | tarry write.",
    Step.CHOOSE_RELAY: "Choose a relay first: `tarry together relay URL`.",
    Step.PAIR: "Pair with `tarry together pair --with NAME`, or see `tarry together list`.",
    Step.PAIR_AGAIN: "Start again: `tarry together pair --with NAME` gives a new code.",
    Step.UNPAIR: "Unpair first: `tarry together unpair NAME`.",
    Step.SYNC: "Sync: `tarry together sync`.",
    Step.ASK: "Ask one: `tarry together ask NAME`.",
    Step.LIST_ROUNDS: "See `tarry together show NAME`.",
    Step.START_CHECKIN: "Start one: `tarry together checkin start NAME`.",
    Step.LIST_CHECKINS: "See `tarry together checkin show NAME --id ID`.",
    Step.LIST_SHARED_TIME: "See `tarry together time NAME`.",
    Step.LIST_CHANGES: "See `tarry undo --list`.",
}

# Fields that name the same input under another name on the command line.
ALIASES: dict[str, tuple[str, ...]] = {
    "cadence_days": ("every",),
    "people_names": ("with_",),
    "duration_min": ("length", "duration"),
    "practices": ("practice",),
    "when": ("on",),
    "chat": ("only",),
    "day_first": ("date_order",),
    "path": ("output", "markdown", "file"),
    "ratings": ("ratings",),
    "cost_hours": ("cost",),
    "direction": ("toward",),
    "url": ("db",),
    "prompt_id": ("prompt",),
}


def hint_lines(
    exc: TarryError, command: click.Command | None, root: click.Command | None = None
) -> list[str]:
    """What to do next, in the terminal's words: the hint, the flag and its example, a step.

    `command` is the (sub)command that ran, `root` the `tarry` group with the global options."""
    lines = [exc.hint] if exc.hint else []
    flag = flag_for(exc.field, command, root)
    if exc.expected or exc.example:
        lines.append(expectation(exc, flag))
    elif flag is not None:
        lines.append(f"See {flag}.")
    if exc.step is not None:
        lines.append(STEPS[exc.step])
    return lines


def expectation(exc: TarryError, flag: str | None) -> str:
    """'--at: a time up to now, e.g. --at 'yesterday 19:00'.' (or the field's words)."""
    if flag is None:
        return plain_expectation(exc)
    said = exc.expected or ""
    if exc.example is not None:
        example = quoted(exc.example)
        shown = f"{flag} {example}" if flag.startswith("-") else example
        said += f"{', ' if said else ''}e.g. {shown}"
    return f"{flag}: {said}."


def quoted(text: str) -> str:
    """As typed in a shell: bare when safe (a leading ~ stays bare, to be expanded), else quoted."""
    return text if SAFE.fullmatch(text) else shlex.quote(text)


SAFE = re.compile(r"[\w@%+=:,./~-]+")


def flag_for(
    field: str | None, command: click.Command | None, root: click.Command | None = None
) -> str | None:
    """The option (or argument) that takes `field`, as a person types it: the command's own,
    else the root's (--home, --passphrase-file)."""
    if field is None or command is None:
        return None
    whole = field.split(".", 1)[0]  # 'ratings.intimate.importance' is given with --rate
    names = (field, whole, *ALIASES.get(field, ()), *ALIASES.get(whole, ()))
    for params in (command.params, root.params if root else []):
        for param in params:
            if param.name in names:
                return _spelled(param)
    return None


def _spelled(param: click.Parameter) -> str:
    if isinstance(param, click.Argument):
        return param.human_readable_name
    longs = [o for o in param.opts if o.startswith("--")]
    return (longs or param.opts)[0]


def invoked(group: click.Command, argv: list[str]) -> click.Command | None:
    """The (sub)command `argv` runs, found by its words; the root for options alone."""
    command: click.Command = group
    for word in argv:
        if word.startswith("-"):
            continue
        if not isinstance(command, click.Group):
            break
        found = command.commands.get(word)
        if found is None:
            break
        command = found
    return command
