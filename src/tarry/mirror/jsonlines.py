"""Parsed messages as JSON Lines, the output of `tarry mirror parse` that other tools read.

Each message is one object {"ts", "author", "text", "kind"} (and "id", "reply_to", "reactions"
where the export has them). A WhatsApp text export goes a faster path: its reader makes these
objects itself; and a big one, when a core is idle, is read in two halves at once, the second
in a forked child that hands its lines back through a pipe (the same output, byte for byte).
"""

from __future__ import annotations

import io
import itertools
import json
import os
import signal
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import orjson

from tarry.base.errors import FormatError, Step, TarryError
from tarry.mirror.formats import Message
from tarry.mirror.formats.contract import without_surrogates
from tarry.mirror.formats.conversation import Conversation
from tarry.mirror.formats.whatsapp_halves import Plan, Rows, first_half, plan, second_half

BATCH = 256  # messages turned into JSON at a time: small enough to stay in the CPU's cache


def lines(batch: list[Message]) -> bytes:
    """One JSON object per message, each on its own line.

    One orjson call per batch: the array's objects are then cut apart where one ends and the
    next begins, `},{"ts":`, which cannot occur inside a JSON string (its quotes are escaped).
    """
    rows = [
        {"ts": m[0], "author": m[1], "text": m[2], "kind": m[3]}
        if m.__class__ is Message
        else m.to_dict()
        for m in batch
    ]
    try:
        data = orjson.dumps(rows)
    except orjson.JSONEncodeError:  # a lone surrogate from a JSON escape: write U+FFFD
        data = orjson.dumps([_without_surrogates(row) for row in rows])
    return data[1:-1].replace(b'},{"ts":', b'}\n{"ts":') + b"\n"


def _without_surrogates(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    return without_surrogates(value)


def write(conversations: Iterable[Conversation], out: BinaryIO) -> None:
    for conversation in conversations:
        write_messages(conversation.messages, out)
    out.flush()


def write_messages(messages: Iterator[Message], out: BinaryIO) -> None:
    while batch := list(itertools.islice(messages, BATCH)):
        out.write(lines(batch))


def write_rows(batches: Rows, out: BinaryIO) -> None:
    """Messages already made the dicts written here, in lists (the WhatsApp reader's)."""
    for batch in batches:
        try:
            data = orjson.dumps(batch)
        except orjson.JSONEncodeError:
            data = orjson.dumps([_without_surrogates(row) for row in batch])
        out.write(data[1:-1].replace(b'},{"ts":', b'}\n{"ts":') + b"\n")


def write_whatsapp(part: Plan, out: BinaryIO) -> None:
    """A WhatsApp text export's lines: in one pass, or its halves read at once."""
    if part.cut is None:
        write_rows(first_half(part), out)
        out.flush()
    else:
        _write_halves(part, out)


def _write_halves(part: Plan, out: BinaryIO) -> None:
    """The export's lines, its second half read by a child process at the same time."""
    read_end, write_end = os.pipe()
    errors_read, errors_write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's lines are checked through the parent
        os.close(read_end)
        os.close(errors_read)
        _child(part, write_end, errors_write)
    os.close(write_end)
    os.close(errors_write)
    done = False
    try:
        write_rows(first_half(part), out)
        with os.fdopen(read_end, "rb") as pipe:
            while data := pipe.read(1 << 20):
                out.write(data)
        out.flush()
        done = True
    finally:
        if not done:
            os.kill(child, signal.SIGTERM)
        os.waitpid(child, 0)
        with os.fdopen(errors_read, "rb") as errors:
            report = errors.read()
    if report:
        raise _error(report)


def _child(part: Plan, lines_fd: int, errors_fd: int) -> None:
    """Read the second half, keep its lines, then hand them over: never returns."""
    code = 0
    try:
        kept = io.BytesIO()
        write_rows(second_half(part), kept)
        with os.fdopen(lines_fd, "wb") as pipe:
            pipe.write(kept.getbuffer())
    except TarryError as exc:
        os.write(errors_fd, _report(exc))
        code = 2
    except BaseException as exc:  # anything else: the parent says what
        os.write(errors_fd, json.dumps({"unexpected": repr(exc)}).encode())
        code = 1
    os._exit(code)


def _report(exc: TarryError) -> bytes:
    """The error as the child found it, every part of it (the field, expected, example and
    step that tell the person what to give, as well as where)."""
    found = {"message": exc.message, "hint": exc.hint, "step": exc.step and exc.step.name}
    for key in ("field", "expected", "example", "path", "line", "byte"):
        found[key] = getattr(exc, key, None)
    return json.dumps(found).encode()


def _error(report: bytes) -> TarryError:
    found = json.loads(report)
    if "unexpected" in found:
        return TarryError(f"reading the second half failed: {found['unexpected']}")
    error = FormatError.__new__(FormatError)
    TarryError.__init__(
        error,
        found["message"],
        found["hint"],
        field=found["field"],
        expected=found["expected"],
        example=found["example"],
        step=Step[found["step"]] if found["step"] else None,
    )
    error.path, error.line, error.byte = found["path"], found["line"], found["byte"]
    return error


def whatsapp_plan(path: Path, fmt: str, day_first: bool | None) -> Plan | None:
    """How to read a WhatsApp text export on disk: in halves where processes can fork and a
    core is idle (on a busy machine a second process only competes: more CPU, same time)."""
    if fmt != "whatsapp" or not path.is_file():
        return None
    split = os.name == "posix" and idle_cores() >= 1
    return plan(path, name=str(path), day_first=day_first, split=split)


def idle_cores() -> float:
    """Cores free now: the core count less the threads running at this moment (this one
    included), from /proc/loadavg; elsewhere, less the last minute's load average (which lags:
    a machine that just went quiet still looks busy)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        return (cores or 1) - min(_running() for _ in range(3))  # three looks: a blip passes
    except (OSError, IndexError, ValueError):
        pass
    try:
        load = os.getloadavg()[0]
    except OSError:
        return 0.0
    return (cores or 1) - load


def _running() -> int:
    with open("/proc/loadavg", encoding="ascii") as fp:
        return int(fp.read().split()[3].split("/")[0])
