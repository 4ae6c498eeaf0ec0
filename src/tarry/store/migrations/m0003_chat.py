"""Imported conversations and their messages (the mirror's raw material)."""

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
    key TEXT NOT NULL UNIQUE,         -- stable content hash: re-imports add nothing twice
    ts TEXT NOT NULL,                 -- ISO 8601 as parsed (UTC 'Z' when the export has a zone)
    author TEXT NOT NULL,
    is_me INTEGER NOT NULL DEFAULT 0,
    person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('message', 'system', 'media'))
);
CREATE INDEX messages_conversation_ts ON messages(conversation_id, ts);
CREATE INDEX messages_person_ts ON messages(person_id, ts);
"""
