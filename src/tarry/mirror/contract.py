"""The JSON Lines label contract (docs/design.md): `{"id","text","context"}` in, labels out.

Fail fast: a line that is not a valid request raises FormatError naming its line number; the
labels of every earlier line have been written (and flushed) by then, nothing after it.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import select
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.pool import AsyncResult
from typing import Any

import orjson

from tarry.base.errors import FormatError
from tarry.mirror.model import labeller
from tarry.mirror.moves import Labels

AUTHORS = ("me", "other")
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
    try:
        # The common, valid case in one pass; anything odd is explained below.
        turns = [(item["author"], item["text"]) for item in items]
    except (TypeError, KeyError):
        turns = []
    if turns and all(a in AUTHORS and type(t) is str for a, t in turns):
        return turns
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
    out: dict[str, Any] = {"id": ident, **labels.to_dict(evidence=show[0], scores=show[1])}
    return orjson.dumps(out)


def answer(ident: Any, text: str, context: list[tuple[str, str]], show: Show) -> bytes:
    return _encode(ident, labeller.label(text, context, evidence=show[0]), show)


Batch = tuple[list[Request], bool]  # requests, and whether more input is already waiting


def _batches(chunks: Iterable[tuple[list[bytes], bool]], name: str) -> Iterator[Batch]:
    """Requests in batches as the input gives them; line numbers count across chunks. On a bad
    line, the requests before it come out first."""
    number = 0
    for lines, waiting in chunks:
        batch: list[Request] = []
        try:
            for raw in lines:
                number += 1
                if raw.strip():  # blank lines carry no request
                    batch.append(request(raw, name, number))
        except FormatError:
            if batch:
                yield batch, False
            raise
        if batch or not waiting:
            yield batch, waiting


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
    """The complete lines of a file descriptor as they arrive: whatever is there is read and
    answered together, so a tool that sends one line and waits gets its answer at once, and
    a big input is labelled in big batches."""
    tail = b""
    while True:
        data = os.read(fd, size)
        if not data:
            if tail:
                yield [tail], False
            return
        *lines, tail = (tail + data).split(b"\n")
        waiting = bool(select.select([fd], [], [], 0)[0])
        for start in range(0, len(lines), BATCH):
            piece = lines[start : start + BATCH]
            yield piece, waiting or start + BATCH < len(lines)


def _answers(batch: list[Request], show: Show) -> bytes:
    labelled = labeller.label_many(
        [(text, context) for _, text, context in batch], evidence=show[0]
    )
    answers = zip(batch, labelled, strict=True)
    return b"".join([_encode(one[0], got, show) + b"\n" for one, got in answers])


def _in_order(batches: Iterator[Batch], show: Show, jobs: int) -> Iterator[tuple[bytes, bool]]:
    """(answers, whether to flush now) batch by batch, in input order. Full batches go to
    worker processes when there are several cores; whenever no more input is waiting, every
    answer so far is given, so nobody waits for a batch to fill."""
    pool: Any = None
    pending: deque[AsyncResult[bytes]] = deque()
    try:
        for batch, waiting in batches:
            if pool is None and jobs > 1 and len(batch) == BATCH and _can_fork():
                labeller.model()  # loaded before the fork: the workers inherit it
                pool = mp.get_context("fork").Pool(jobs)
            if pool is not None and len(batch) == BATCH:
                pending.append(pool.apply_async(_answers, (batch, show)))
            else:
                while pending:  # in order: what the workers hold goes first
                    yield pending.popleft().get(), False
                yield _answers(batch, show), False
            while pending and (len(pending) > 2 * jobs or not waiting):
                yield pending.popleft().get(), False
            if not waiting:
                yield b"", True
    except FormatError:
        while pending:  # everything before the bad line is still answered
            yield pending.popleft().get(), False
        raise
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
    done = 0
    try:
        for out, now in _in_order(_batches(chunks, name), show, jobs):
            write(out)
            done += out.count(b"\n")
            if now:
                flush()
    finally:
        flush()
    return done
