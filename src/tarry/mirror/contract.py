"""The JSON Lines label contract (docs/design.md): `{"id","text","context"}` in, labels out.

Fail fast: a line that is not a valid request raises FormatError naming its line number; the
labels of every earlier line have been written (and flushed) by then, nothing after it.
"""

from __future__ import annotations

import multiprocessing as mp
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.pool import AsyncResult
from typing import Any

import orjson

from tarry.base.errors import FormatError
from tarry.mirror.moves import label

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


def answer(ident: Any, text: str, context: list[tuple[str, str]], evidence: bool) -> bytes:
    labels = label(text, context)
    out: dict[str, Any] = {"id": ident, **labels.to_dict(evidence=evidence)}
    return orjson.dumps(out)


def _requests(lines: Iterable[bytes], name: str) -> Iterator[Request]:
    for number, raw in enumerate(lines, start=1):
        if raw.strip():  # blank lines carry no request
            yield request(raw, name, number)


def _batches(requests: Iterator[Request]) -> Iterator[list[Request]]:
    """Requests in batches; on a bad line, the requests before it come out first."""
    batch: list[Request] = []
    try:
        for one in requests:
            batch.append(one)
            if len(batch) == BATCH:
                yield batch
                batch = []
    except FormatError:
        if batch:
            yield batch
        raise
    if batch:
        yield batch


def _answers(batch: list[Request], evidence: bool) -> bytes:
    return b"".join([answer(*one, evidence) + b"\n" for one in batch])


def _in_order(batches: Iterator[list[Request]], evidence: bool, jobs: int) -> Iterator[bytes]:
    """Answers batch by batch, in input order; labelled in worker processes when it pays."""
    first = next(batches, None)
    if first is None:
        return
    if jobs < 2 or len(first) < BATCH or "fork" not in mp.get_all_start_methods():
        yield _answers(first, evidence)
        yield from (_answers(batch, evidence) for batch in batches)
        return
    # fork: workers inherit the loaded lexicon. A few batches in flight keep memory bounded.
    with mp.get_context("fork").Pool(jobs) as pool:
        pending: deque[AsyncResult[bytes]] = deque([pool.apply_async(_answers, (first, evidence))])
        try:
            for batch in batches:
                pending.append(pool.apply_async(_answers, (batch, evidence)))
                while len(pending) > 2 * jobs:
                    yield pending.popleft().get()
        except FormatError:
            while pending:  # everything before the bad line is still answered
                yield pending.popleft().get()
            raise
        while pending:
            yield pending.popleft().get()


def label_lines(
    lines: Iterable[bytes],
    write: Callable[[bytes], Any],
    *,
    evidence: bool = False,
    name: str = "stdin",
    flush: Callable[[], Any] = lambda: None,
    jobs: int = 1,
    each: bool = False,
) -> int:
    """Label each request line, writing one answer line per request in order; count them.

    `each`: write and flush every answer as soon as its request is read (for a tool that
    waits for one answer before it sends the next request). Otherwise answers go out in
    batches, and `jobs` > 1 labels big inputs in that many worker processes; the output is
    the same either way.
    """
    if each:
        return _one_by_one(_requests(lines, name), write, flush, evidence)
    done = 0
    try:
        for out in _in_order(_batches(_requests(lines, name)), evidence, jobs):
            write(out)
            done += out.count(b"\n")
    finally:
        flush()
    return done


def _one_by_one(
    requests: Iterator[Request],
    write: Callable[[bytes], Any],
    flush: Callable[[], Any],
    evidence: bool,
) -> int:
    done = 0
    for one in requests:
        write(answer(*one, evidence) + b"\n")
        flush()
        done += 1
    return done
