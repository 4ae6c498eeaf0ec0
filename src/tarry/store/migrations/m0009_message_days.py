"""Days of contact from imported messages, kept apart so strength never rescans every message."""

SQL = """
CREATE TABLE message_days (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    day INTEGER NOT NULL,             -- the local calendar day, as a date ordinal
    PRIMARY KEY (person_id, day)
) WITHOUT ROWID;

INSERT OR IGNORE INTO message_days (person_id, day)
SELECT g.person_id, CASE WHEN (g.ts GLOB '*Z' OR g.ts GLOB '*[+-][0-9][0-9]:[0-9][0-9]') THEN CAST(julianday(g.ts, 'localtime') - 1721424.5 AS INTEGER) ELSE CAST(julianday(g.ts) - 1721424.5 AS INTEGER) END FROM messages g
    WHERE g.person_id IS NOT NULL AND g.kind != 'system' AND 1 = 1
UNION
SELECT c.person_id, CASE WHEN (g.ts GLOB '*Z' OR g.ts GLOB '*[+-][0-9][0-9]:[0-9][0-9]') THEN CAST(julianday(g.ts, 'localtime') - 1721424.5 AS INTEGER) ELSE CAST(julianday(g.ts) - 1721424.5 AS INTEGER) END FROM messages g JOIN conversations c ON c.id = g.conversation_id
    WHERE g.is_me = 1 AND c.person_id IS NOT NULL AND g.kind != 'system' AND 1 = 1;
"""
