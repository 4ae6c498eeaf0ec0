"""The JSON Lines label contract (docs/design.md): `{"id","text","context"}` in, labels out.

Fail fast: a line that is not a valid request raises FormatError naming its line number; the
labels of every earlier line have been written (and flushed) by then, nothing after it.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing as mp
import operator
import os
import select
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.pool import AsyncResult
from typing import Any

import orjson

from tarry.base.errors import FormatError
from tarry.base.memory import no_gc
from tarry.mirror.model import labeller
from tarry.mirror.moves import Labels

AUTHORS = ("me", "other")
ALLOWED = frozenset(AUTHORS)
ONLY_STR = frozenset((str,))
PAIR = operator.itemgetter("author", "text")
BATCH = 2048  # requests labelled and written together
Request = tuple[Any, str, list[tuple[str, str]]]
EXPECTED = (
    'Each line must be a JSON object {"id": ..., "text": "...", "context": '
    '[{"author": "me"|"other", "text": "..."}, ...]}.'
)


def _bad(message: str, name: str, line: int) -> FormatError:
    return FormatError(message, path=name, line=line, hint=EXPECTED)


def _context(items: Any, name: str, line: int) -> list[tuple[str, str]]:
    if items is None:
        return []
    turns: list[tuple[str, str]] = []
    if type(items) is list:
        try:
            # The common, valid case in C loops (a request carries up to six earlier
            # messages); anything odd is explained below.
            turns = list(map(PAIR, items))
            authors, texts = zip(*turns, strict=True) if turns else ((), ())
            if ALLOWED.issuperset(authors) and set(map(type, texts)) <= ONLY_STR:
                return turns
        except (TypeError, KeyError):  # items that are not objects, an unhashable author
            pass
    if not isinstance(items, list):
        raise _bad('"context" must be a list of earlier messages.', name, line)
    for item in items:
        if not isinstance(item, dict) or item.get("author") not in AUTHORS:
            raise _bad('each context item needs "author": "me" or "other".', name, line)
        if not isinstance(item.get("text"), str):
            raise _bad('each context item needs a "text" string.', name, line)
    return turns


def request(raw: bytes | str, name: str, line: int) -> tuple[Any, str, list[tuple[str, str]]]:
    """(id, text, context) of one request line, or FormatError saying what is wrong."""
    try:
        row = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _bad(f"not valid JSON ({exc.msg} at column {exc.colno}).", name, line) from exc
    if not isinstance(row, dict):
        raise _bad("expected a JSON object.", name, line)
    if "id" not in row:
        raise _bad('missing "id".', name, line)
    if not isinstance(row.get("text"), str):
        raise _bad('missing "text" (a string).', name, line)
    return row["id"], row["text"], _context(row.get("context"), name, line)


Show = tuple[bool, bool]  # (evidence, scores): what each answer adds to the four keys


def _encode(ident: Any, labels: Labels, show: Show) -> bytes:
    if show == (False, False):  # the labels alone: few combinations, each encoded once
        return (
            b'{"id":'
            + orjson.dumps(ident)
            + _labels_json(labels.disclosure, labels.moves, labels.question)
        )
    out: dict[str, Any] = {"id": ident, **labels.to_dict(evidence=show[0], scores=show[1])}
    return orjson.dumps(out)


@functools.cache
def _labels_json(disclosure: str, moves: tuple[str, ...], question: str | None) -> bytes:
    """`,"disclosure":...,"moves":[...],"question":...}`: an answer after its id."""
    labels = {"disclosure": disclosure, "moves": list(moves), "question": question}
    return b"," + orjson.dumps(labels)[1:]


def answer(ident: Any, text: str, context: list[tuple[str, str]], show: Show) -> bytes:
    return _encode(ident, labeller.label(text, context, evidence=show[0]), show)


Lines = tuple[list[bytes], int, bool]  # raw lines, the number of the first, more waiting


def _numbered(chunks: Iterable[tuple[list[bytes], bool]]) -> Iterator[Lines]:
    """The chunks with the line number each starts at (blank lines count)."""
    number = 1
    for lines, waiting in chunks:
        yield lines, number, waiting
        number += len(lines)


def in_chunks(lines: Iterable[bytes]) -> Iterator[tuple[list[bytes], bool]]:
    """Lines already at hand (a list, a file object) in chunks of BATCH."""
    chunk: list[bytes] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == BATCH:
            yield chunk, True
            chunk = []
    yield chunk, False


def as_available(fd: int, size: int = 1 << 20) -> Iterator[tuple[list[bytes], bool]]:
    """The complete lines of a file descriptor as they arrive, in chunks of BATCH while more
    input is waiting: a tool that sends one line and waits gets its answer at once, and a big
    input is labelled in full batches (what is left of one read waits for the next)."""
    tail = b""
    kept: list[bytes] = []
    while True:
        data = os.read(fd, size)
        if not data:
            yield [*kept, tail] if tail else kept, False
            return
        *lines, tail = (tail + data).split(b"\n")
        kept += lines
        waiting = bool(select.select([fd], [], [], 0)[0])
        while len(kept) >= BATCH:
            yield kept[:BATCH], True
            del kept[:BATCH]
        if kept and not waiting:
            yield kept, False
            kept = []


Answered = tuple[bytes, FormatError | None]
FLUSH = None  # in the answers: flush now, no more input is waiting


def _answers(lines: list[bytes], first: int, name: str, show: Show) -> Answered:
    """The answer lines of a chunk of request lines, and the error of its first bad line (the
    answers stop before it). Runs in the worker processes: parsing is part of the work."""
    batch: list[Request] = []
    error = None
    try:
        for number, raw in enumerate(lines, start=first):
            if raw.strip():  # blank lines carry no request
                batch.append(request(raw, name, number))
    except FormatError as exc:
        error = exc
    if not batch:
        return b"", error
    labelled = labeller.label_many(
        [(text, context) for _, text, context in batch], evidence=show[0]
    )
    answers = zip(batch, labelled, strict=True)
    return b"".join([_encode(one[0], got, show) + b"\n" for one, got in answers]), error


def _in_order(
    chunks: Iterator[Lines], work: Callable[..., Answered], jobs: int
) -> Iterator[Answered | None]:
    """Answers chunk by chunk, in input order, and FLUSH where they are to be flushed now.
    Full chunks go to worker processes when there are several cores; whenever no more input
    is waiting, every answer so far is given, so nobody waits for a batch to fill."""
    pool: Any = None
    pending: deque[AsyncResult[Answered]] = deque()
    try:
        for lines, first, waiting in chunks:
            full = len(lines) == BATCH
            if pool is None and jobs > 1 and full and _can_fork():
                labeller.loaded()  # before the fork: the workers inherit the model and lists
                pool = mp.get_context("fork").Pool(jobs, initializer=gc.disable)
            if pool is not None and full:
                pending.append(pool.apply_async(work, (lines, first)))
            else:
                while pending:  # in order: what the workers hold goes first
                    yield pending.popleft().get()
                yield work(lines, first)
            while pending and (len(pending) > 2 * jobs or not waiting):
                yield pending.popleft().get()
            if not waiting:
                yield FLUSH
    finally:
        if pool is not None:
            pool.terminate()  # every answer has been taken, or the run is over


def _can_fork() -> bool:
    return "fork" in mp.get_all_start_methods()


def label_lines(
    lines: Iterable[bytes] | int,
    write: Callable[[bytes], Any],
    *,
    evidence: bool = False,
    scores: bool = False,
    name: str = "stdin",
    flush: Callable[[], Any] = lambda: None,
    jobs: int = 1,
) -> int:
    """Label each request line, writing one answer line per request in order; count them.

    `lines`: the lines, or a file descriptor read as its lines arrive (`as_available`). Answers
    are written and flushed whenever no more input is waiting; `jobs` > 1 labels full batches
    in that many worker processes. The output is the same either way.
    """
    show = (evidence, scores)
    chunks = as_available(lines) if isinstance(lines, int) else in_chunks(lines)
    work = functools.partial(_answers, name=name, show=show)
    done = 0
    try:
        with no_gc():  # one cycle collection at the end, not one a batch
            for answered in _in_order(_numbered(chunks), work, jobs):
                if answered is None:
                    flush()
                    continue
                out, error = answered
                write(out)
                done += out.count(b"\n")
                if error is not None:  # every answer before the bad line is written
                    raise error
    finally:
        flush()
    return done
