"""Labels of imported messages, cached in `message_labels` and computed lazily when missing.

A message is labelled as a reply to the messages before it in its conversation (the last
CONTEXT of them, since the last silence longer than GAP), from its writer's side: for the
other person's message, they are "me".
A row whose `version` is older than `moves.VERSION` is relabelled.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from tarry.mirror.moves import VERSION, label
from tarry.store import Store

CONTEXT = 6
GAP = timedelta(hours=6)  # a longer silence starts a new conversation
BATCH = 5000

STALE = """
SELECT DISTINCT m.conversation_id FROM messages m
LEFT JOIN message_labels l ON l.message_id = m.id
WHERE m.kind = 'message' AND (l.version IS NULL OR l.version != ?)
"""

CONVERSATION = """
SELECT m.id, m.ts, m.is_me, m.text, l.version FROM messages m
LEFT JOIN message_labels l ON l.message_id = m.id
WHERE m.conversation_id = ? AND m.kind = 'message'
ORDER BY m.ts, m.id
"""

UPSERT = """
INSERT INTO message_labels (message_id, version, disclosure, moves, question, evidence)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (message_id) DO UPDATE SET version = excluded.version,
    disclosure = excluded.disclosure, moves = excluded.moves,
    question = excluded.question, evidence = excluded.evidence
"""


def _context(window: Iterable[tuple[int, str]], writer_is_me: int) -> list[tuple[str, str]]:
    return [("me" if is_me == writer_is_me else "other", text) for is_me, text in window]


def moment(ts: str) -> datetime:
    """Stored times are UTC ('Z') or naive local; compare them all as naive local times."""
    at = datetime.fromisoformat(ts)
    return at if at.tzinfo is None else at.astimezone().replace(tzinfo=None)


def _label_rows(rows: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
    """(message_id, version, disclosure, moves, question, evidence) for each stale message."""
    window: deque[tuple[int, str]] = deque(maxlen=CONTEXT)
    last: datetime | None = None
    for message_id, ts, is_me, text, version in rows:
        at = moment(ts)
        if last is not None and at - last > GAP:
            window.clear()
        last = at
        if version != VERSION:
            labels = label(text, _context(window, is_me))
            evidence = json.dumps(labels.evidence, ensure_ascii=False, separators=(",", ":"))
            moves = ",".join(labels.moves)
            yield message_id, VERSION, labels.disclosure, moves, labels.question, evidence
        window.append((is_me, text))


def ensure_labels(store: Store, conversation_ids: Iterable[int] | None = None) -> int:
    """Label every message that has no current label (in the given conversations); count them."""
    stale = {r[0] for r in store.query(STALE, (VERSION,))}
    if conversation_ids is not None:
        stale &= set(conversation_ids)
    done = 0
    with store.tx():
        for conversation_id in sorted(stale):
            rows = store.execute(CONVERSATION, (conversation_id,)).fetchall()
            batch = list(_label_rows(rows))
            for start in range(0, len(batch), BATCH):
                store.conn.executemany(UPSERT, batch[start : start + BATCH])
            done += len(batch)
    return done
