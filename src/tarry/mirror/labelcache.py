"""Labels of imported messages, cached in `message_labels` and computed lazily when missing.

A message is labelled as a reply to the messages before it in its conversation (the last
CONTEXT of them, since the last silence longer than GAP), from its writer's side: for the
other person's message, they are "me".
A row whose `version` is not the shipped model's (`labeller.version()`) is relabelled. A caller
that reads one period labels only that period's messages (led by the messages before it, for
context).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

import orjson

from tarry.base import clock
from tarry.mirror.model import labeller
from tarry.store import Store

CONTEXT = 6
GAP = timedelta(hours=6)  # a longer silence starts a new conversation
SLICE = 5000  # messages per unit of work
PARALLEL_FROM = 20_000  # fewer stale messages are labelled in this process

STALE = """
SELECT 1 FROM messages m
LEFT JOIN message_labels l ON l.message_id = m.id
WHERE m.conversation_id = ? AND m.kind = 'message' AND m.ts >= ? AND m.ts < ?
  AND (l.version IS NULL OR l.version != ?)
LIMIT 1
"""

COLUMNS = """
SELECT m.id, m.ts, m.is_me, m.text, l.version FROM messages m
LEFT JOIN message_labels l ON l.message_id = m.id
"""

SPAN = (
    COLUMNS
    + "WHERE m.conversation_id = ? AND m.kind = 'message' AND m.ts >= ? AND m.ts < ?"
    + " ORDER BY m.ts, m.id"
)

BEFORE = (
    COLUMNS
    + "WHERE m.conversation_id = ? AND m.kind = 'message' AND m.ts < ?"
    + " ORDER BY m.ts DESC, m.id DESC LIMIT ?"
)

UPSERT = """
INSERT INTO message_labels
    (message_id, version, disclosure, moves, question, evidence, scores, sure)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (message_id) DO UPDATE SET version = excluded.version,
    disclosure = excluded.disclosure, moves = excluded.moves, question = excluded.question,
    evidence = excluded.evidence, scores = excluded.scores, sure = excluded.sure
"""


def _context(window: Iterable[tuple[int, str]], writer_is_me: int) -> list[tuple[str, str]]:
    return [("me" if is_me == writer_is_me else "other", text) for is_me, text in window]


def moment(ts: str) -> datetime:
    """Stored times are UTC ('Z') or naive local; compare them all as wall times."""
    return clock.wall(datetime.fromisoformat(ts))


def _label_rows(rows: Iterable[Any], lead: int = 0) -> list[tuple[Any, ...]]:
    """(id, version, disclosure, moves, question, evidence, scores, sure) per stale message.

    The first `lead` rows are context only (they belong to the slice before).
    """
    version = labeller.version()
    window: deque[tuple[int, str]] = deque(maxlen=CONTEXT)
    last: datetime | None = None
    ids: list[int] = []
    items: list[tuple[str, list[tuple[str, str]]]] = []
    for n, (message_id, ts, is_me, text, stale_version) in enumerate(rows):
        at = moment(ts)
        if last is not None and at - last > GAP:
            window.clear()
        last = at
        if stale_version != version and n >= lead:
            ids.append(message_id)
            items.append((text, _context(window, is_me)))
        window.append((is_me, text))
    labelled = labeller.label_many(items, evidence="sure")  # all that reports show
    return [
        (message_id, version, got.disclosure, ",".join(got.moves), got.question,
         _json(got.evidence), _json(got.scores), ",".join(got.sure))
        for message_id, got in zip(ids, labelled, strict=True)
    ]  # fmt: skip


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


Work = tuple[list[tuple[Any, ...]], int]


def _slices(rows: list[tuple[Any, ...]], first: int = 0) -> Iterator[Work]:
    """Rows from `first` on in slices, each led by the CONTEXT rows before it."""
    for start in range(first, len(rows), SLICE):
        lead = max(0, start - CONTEXT)
        yield rows[lead : start + SLICE], start - lead


def _label_slice(work: Work) -> list[tuple[Any, ...]]:
    return _label_rows(*work)


def _labelled(work: list[Work], jobs: int) -> Iterator[list[tuple[Any, ...]]]:
    """Label the slices, in worker processes when there are many messages and cores."""
    size = sum(len(rows) for rows, _ in work)
    if jobs < 2 or size < PARALLEL_FROM or "fork" not in mp.get_all_start_methods():
        yield from map(_label_slice, work)
        return
    labeller.model()  # loaded once, before the fork: the workers inherit it
    # fork: the workers inherit the loaded model and lexicon; they never touch the database.
    with mp.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(_label_slice, work, chunksize=max(1, len(work) // (jobs * 8)))


def ensure_labels(
    store: Store,
    conversation_ids: Iterable[int] | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    jobs: int | None = None,
) -> int:
    """Label every message that has no current label (in the given conversations); count them.

    `since`/`until`: only the messages stored in [since, until) (compared as stored ISO text,
    so callers add a margin for stored UTC times), each still labelled with the messages before
    it as context: the labels are the same as when the whole conversation is labelled.
    `jobs`: worker processes for big batches (default: the machine's cores, at most 4).
    """
    span = (since.isoformat() if since else "", until.isoformat() if until else "\uffff")
    if conversation_ids is None:
        conversation_ids = [r[0] for r in store.query("SELECT id FROM conversations")]
    work = [
        piece
        for conversation_id in sorted(set(conversation_ids))
        if store.one(STALE, (conversation_id, *span, labeller.version()))
        for piece in _span_work(store, conversation_id, span)
    ]
    done = 0
    with store.tx():
        for batch in _labelled(work, jobs or min(os.cpu_count() or 1, 4)):
            store.conn.executemany(UPSERT, batch)
            done += len(batch)
    return done


def _span_work(store: Store, conversation_id: int, span: tuple[str, str]) -> Iterator[Work]:
    """Slices of a conversation's messages in `span`, led by the CONTEXT messages before it."""
    before = store.query(BEFORE, (conversation_id, span[0], CONTEXT)) if span[0] else []
    rows = [tuple(r) for r in reversed(before)]
    rows += [tuple(r) for r in store.query(SPAN, (conversation_id, *span))]
    return _slices(rows, len(before))
