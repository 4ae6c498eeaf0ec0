"""The two tables written a row per message check their values with comparisons, not `IN`.

SQLite checks `x IN ('a', 'b', 'c')` (three values or more) by building a small table of the
values, and builds it again for every row an INSERT writes: for `messages` (an import) and
`message_labels` (the mirror's labelling) that was most of what a row cost to write. The same
check written as comparisons costs nothing measurable (docs/benchmarks.md). The values allowed
are unchanged.

SQLite cannot change a table's checks in place: each table is built again under its own name
(the twelve steps of SQLite's "ALTER TABLE" page), its rows copied with their ids, its indexes
and triggers made again. `REBUILDS`: this runs with foreign keys off (dropping `messages` must
not delete what refers to it) and checks them all before it commits.
"""

DATA = True
REBUILDS = True

SQL = """
CREATE TABLE messages_rebuilt (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    key TEXT NOT NULL UNIQUE,         -- ts + '/' + content hash: re-imports add nothing twice
    ts TEXT NOT NULL,                 -- ISO 8601 as parsed (UTC 'Z' when the export has a zone)
    author TEXT NOT NULL,
    is_me INTEGER NOT NULL DEFAULT 0,
    person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind = 'message' OR kind = 'system' OR kind = 'media')
);
INSERT INTO messages_rebuilt (id, conversation_id, key, ts, author, is_me, person_id, text, kind)
SELECT id, conversation_id, key, ts, author, is_me, person_id, text, kind FROM messages;
DROP TABLE messages;
ALTER TABLE messages_rebuilt RENAME TO messages;
CREATE INDEX messages_conversation_ts ON messages(conversation_id, ts);
CREATE INDEX messages_person_ts ON messages(person_id, ts) WHERE person_id IS NOT NULL;
CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER messages_au AFTER UPDATE OF text ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TABLE message_labels_rebuilt (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,         -- the model's checksum; older rows are relabelled
    disclosure TEXT NOT NULL
        CHECK (disclosure = 'none' OR disclosure = 'fact' OR disclosure = 'thought'
               OR disclosure = 'feeling'),
    moves TEXT NOT NULL DEFAULT '',   -- comma-separated, in the contract's order
    question TEXT
        CHECK (question = 'follow_up' OR question = 'switch' OR question = 'mirror'
               OR question = 'intro' OR question = 'other'),
    evidence TEXT NOT NULL DEFAULT '{}',  -- JSON: label -> the words that decided it
    scores TEXT NOT NULL DEFAULT '{}',    -- JSON: head -> probability
    sure TEXT NOT NULL DEFAULT ''         -- the confident labels, a,b
);
INSERT INTO message_labels_rebuilt
    (message_id, version, disclosure, moves, question, evidence, scores, sure)
SELECT message_id, version, disclosure, moves, question, evidence, scores, sure
FROM message_labels;
DROP TABLE message_labels;
ALTER TABLE message_labels_rebuilt RENAME TO message_labels;
"""
