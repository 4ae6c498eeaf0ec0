"""Labels of imported messages, cached in `message_labels` and computed lazily when missing.

A message is labelled as a reply to the messages before it in its conversation (the last
CONTEXT of them, since the last silence longer than GAP), from its writer's side: for the
other person's message, they are "me".
A row whose `version` is not the shipped model's (`labeller.version()`) is relabelled. A caller
that reads one period labels only that period's messages (led by the messages before it, for
context).
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

import orjson

from tarry.base import clock
from tarry.base.memory import no_gc
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


Work = tuple[list[tuple[Any, ...]], int]  # one conversation's rows, how many lead
Item = tuple[str, list[tuple[str, str]]]


def moment(ts: str) -> datetime:
    """Stored times are UTC ('Z') or naive local; compare them all as wall times."""
    return clock.wall(datetime.fromisoformat(ts))


def _stale(rows: list[Any], lead: int, version: int) -> Iterator[tuple[int, Item]]:
    """(id, (text, context)) of each stale message of one conversation's rows."""
    # The last CONTEXT messages as each side sees them: by is_me, with "me" for that side's own.
    seen: tuple[deque[tuple[str, str]], deque[tuple[str, str]]] = (
        deque(maxlen=CONTEXT),
        deque(maxlen=CONTEXT),
    )
    last: datetime | None = None
    for n, (message_id, ts, is_me, text, stale_version) in enumerate(rows):
        at = moment(ts)
        if last is not None and at - last > GAP:
            seen[0].clear()
            seen[1].clear()
        last = at
        if stale_version != version and n >= lead:
            yield message_id, (text, list(seen[bool(is_me)]))
        seen[bool(is_me)].append(("me", text))
        seen[not is_me].append(("other", text))


def _label_pieces(pieces: list[Work]) -> list[tuple[Any, ...]]:
    """The rows to store for the stale messages of several conversations' rows, labelled in
    one batch (a history of many short conversations is not labelled a few at a time)."""
    version = labeller.version()
    found = [one for rows, lead in pieces for one in _stale(rows, lead, version)]
    labelled = labeller.label_many([item for _, item in found], evidence="sure")
    return [
        (message_id, version, got.disclosure, ",".join(got.moves), got.question,
         _json(got.evidence), _json(got.scores), ",".join(got.sure))
        for (message_id, _), got in zip(found, labelled, strict=True)
    ]  # fmt: skip


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _slices(rows: list[tuple[Any, ...]], first: int = 0) -> Iterator[Work]:
    """Rows from `first` on in slices, each led by the CONTEXT rows before it."""
    for start in range(first, len(rows), SLICE):
        lead = max(0, start - CONTEXT)
        yield rows[lead : start + SLICE], start - lead


def _units(pieces: Iterable[Work]) -> Iterator[list[Work]]:
    """Slices of conversations gathered into units of about SLICE messages."""
    unit: list[Work] = []
    size = 0
    for piece in pieces:
        unit.append(piece)
        size += len(piece[0])
        if size >= SLICE:
            yield unit
            unit, size = [], 0
    if unit:
        yield unit


def _labelled(work: list[list[Work]], jobs: int) -> Iterator[list[tuple[Any, ...]]]:
    """Label the slices, in worker processes when there are many messages and cores."""
    size = sum(len(rows) for unit in work for rows, _ in unit)
    if jobs < 2 or size < PARALLEL_FROM or "fork" not in mp.get_all_start_methods():
        yield from map(_label_pieces, work)
        return
    labeller.loaded()  # once, before the fork: the workers inherit the model and lists
    # fork: the workers inherit the loaded model and lexicon; they never touch the database.
    with mp.get_context("fork").Pool(jobs, initializer=gc.disable) as pool:
        yield from pool.imap(_label_pieces, work, chunksize=max(1, len(work) // (jobs * 8)))


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
    pieces = (
        piece
        for conversation_id in sorted(set(conversation_ids))
        if store.one(STALE, (conversation_id, *span, labeller.version()))
        for piece in _span_work(store, conversation_id, span)
    )
    work = list(_units(pieces))
    done = 0
    with store.tx(), no_gc():
        for batch in _labelled(work, jobs or min(os.cpu_count() or 1, 4)):
            store.conn.executemany(UPSERT, batch)
            done += len(batch)
    return done


def _span_work(store: Store, conversation_id: int, span: tuple[str, str]) -> Iterator[Work]:
    """Slices of a conversation's messages in `span`, led by the CONTEXT messages before it."""
    cursor = store.conn.cursor()
    cursor.row_factory = None  # plain tuples, as the workers take them (no Row to convert)
    before = (
        cursor.execute(BEFORE, (conversation_id, span[0], CONTEXT)).fetchall() if span[0] else []
    )
    rows = before[::-1] + cursor.execute(SPAN, (conversation_id, *span)).fetchall()
    return _slices(rows, len(before))
