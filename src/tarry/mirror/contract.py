"""The JSON Lines label contract (DESIGN.md): `{"id","text","context"}` in, labels out, in order.

Fail fast: a line that is not a valid request raises FormatError naming its line number; the
labels of every earlier line have been written (and flushed) by then, nothing after it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import orjson

from tarry.errors import FormatError
from tarry.mirror.moves import label

AUTHORS = ("me", "other")
FLUSH_EVERY = 2048
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
        raise _bad(f"not valid JSON ({exc}).", name, line) from exc
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


def label_lines(
    lines: Iterable[bytes],
    write: Callable[[bytes], Any],
    *,
    evidence: bool = False,
    name: str = "stdin",
    flush: Callable[[], Any] = lambda: None,
) -> int:
    """Label each request line, writing one answer line per request in order; count them.

    Blank lines are skipped (they carry no request).
    """
    done = 0
    pending: list[bytes] = []
    try:
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            pending.append(answer(*request(raw, name, number), evidence))
            done += 1
            if len(pending) >= FLUSH_EVERY:
                write(b"\n".join(pending) + b"\n")
                pending.clear()
    finally:
        if pending:
            write(b"\n".join(pending) + b"\n")
        flush()
    return done
