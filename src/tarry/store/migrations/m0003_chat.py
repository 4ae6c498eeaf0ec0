"""Imported conversations and their messages (the mirror's raw material), searchable.

The key starts with the time so that an import (in time order) appends to its index instead
of writing all over it. `messages_fts` is an external-content FTS5 index over `messages.text`. The chat importer fills
it in bulk after its inserts (one INSERT ... SELECT, far faster than a per-row trigger); the
triggers below keep it right when messages are deleted or edited later.
"""

SQL = """
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,             -- export format: whatsapp, telegram, signal, ...
    title TEXT NOT NULL,
    person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    me TEXT NOT NULL DEFAULT '',      -- the author name that is the user in this export
    imported_at TEXT NOT NULL,
    UNIQUE (source, title)
);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    key TEXT NOT NULL UNIQUE,         -- ts + '/' + content hash: re-imports add nothing twice
    ts TEXT NOT NULL,                 -- ISO 8601 as parsed (UTC 'Z' when the export has a zone)
    author TEXT NOT NULL,
    is_me INTEGER NOT NULL DEFAULT 0,
    person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('message', 'system', 'media'))
);
CREATE INDEX messages_conversation_ts ON messages(conversation_id, ts);
CREATE INDEX messages_person_ts ON messages(person_id, ts) WHERE person_id IS NOT NULL;

CREATE VIRTUAL TABLE messages_fts USING fts5(
    text, content = 'messages', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER messages_au AFTER UPDATE OF text ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
"""
