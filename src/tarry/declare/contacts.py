"""Days of contact with each person from imported messages, kept in `message_days`.

Strength counts any real contact against a person's cadence; scanning a million imported
messages for that on every page or review took seconds. The importer records the days of what it
adds instead. A message's day is its local calendar day when it was imported (zoned stamps are
moved to local time then; naive ones are local already). A reaction is contact too, on the day
of the message it reacts to (exports do not say when it was added).
"""

from __future__ import annotations

from tarry.store import Store

# A message counts for the person who wrote it, and for the person a conversation is with when
# the user wrote it. `{where}` narrows the messages looked at.
_ZONED = "(g.ts GLOB '*Z' OR g.ts GLOB '*[+-][0-9][0-9]:[0-9][0-9]')"
_TO_ORDINAL = "CAST(julianday({}) - 1721424.5 AS INTEGER)"
_DAY = (
    f"CASE WHEN {_ZONED} THEN {_TO_ORDINAL.format('g.ts, ' + repr('localtime'))}"
    f" ELSE {_TO_ORDINAL.format('g.ts')} END"
)
MESSAGE_DAYS = f"""
SELECT g.person_id, {_DAY} FROM messages g
    WHERE g.person_id IS NOT NULL AND g.kind != 'system' AND {{where}}
UNION
SELECT c.person_id, {_DAY} FROM messages g JOIN conversations c ON c.id = g.conversation_id
    WHERE g.is_me = 1 AND c.person_id IS NOT NULL AND g.kind != 'system' AND {{where}}
"""
REACTION_DAYS = f"""
SELECT x.person_id, {_DAY} FROM reactions x JOIN messages g ON g.id = x.message_id
    WHERE x.person_id IS NOT NULL AND {{where}}
UNION
SELECT c.person_id, {_DAY} FROM reactions x JOIN messages g ON g.id = x.message_id
    JOIN conversations c ON c.id = g.conversation_id
    WHERE x.is_me = 1 AND c.person_id IS NOT NULL AND {{where}}
"""


def record(store: Store, after_id: int, after_reaction: int | None = None) -> None:
    """Add the days of the messages stored after message id `after_id` (and of the reactions
    after reaction id `after_reaction`, when given)."""
    where = f"g.id > {int(after_id)}"
    store.execute(f"INSERT OR IGNORE INTO message_days {MESSAGE_DAYS.format(where=where)}")
    if after_reaction is not None:
        where = f"x.id > {int(after_reaction)}"
        store.execute(f"INSERT OR IGNORE INTO message_days {REACTION_DAYS.format(where=where)}")


def rebuild(store: Store) -> None:
    """Recompute every day (after messages were linked to other people)."""
    with store.tx():
        store.execute("DELETE FROM message_days")
        store.execute(f"INSERT INTO message_days {MESSAGE_DAYS.format(where='1 = 1')}")
        reactions = REACTION_DAYS.format(where="1 = 1")
        store.execute(f"INSERT OR IGNORE INTO message_days {reactions}")
