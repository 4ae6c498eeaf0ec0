"""What chats say beyond text: a message's own id in its export, the message it replies to, and
the reactions on it (who reacted, with what). A reaction is contact with its author.

`message_refs` holds a row only for messages whose export gives an id or a reply; a reply is
found by the replied-to message's id within the same conversation (`message_replies`).
"""

SQL = """
CREATE TABLE message_refs (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    source_id TEXT NOT NULL DEFAULT '',   -- the export's id for the message
    reply_to TEXT NOT NULL DEFAULT ''     -- the source_id of the message it answers
);
CREATE INDEX message_refs_source ON message_refs(conversation_id, source_id)
    WHERE source_id != '';

CREATE TABLE reactions (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    is_me INTEGER NOT NULL DEFAULT 0,
    person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    emoji TEXT NOT NULL,
    UNIQUE (message_id, author, emoji)
);
CREATE INDEX reactions_person ON reactions(person_id) WHERE person_id IS NOT NULL;

CREATE VIEW message_replies AS
SELECT r.message_id AS message_id, t.message_id AS reply_to_id
FROM message_refs r
JOIN message_refs t ON t.conversation_id = r.conversation_id AND t.source_id = r.reply_to
WHERE r.reply_to != '';
"""
