-- A tiny synthetic Messages database (the tables and columns tarry reads).
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT, service TEXT);
CREATE TABLE chat (ROWID INTEGER PRIMARY KEY, guid TEXT, chat_identifier TEXT, display_name TEXT);
CREATE TABLE message (
    ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT, attributedBody BLOB, handle_id INTEGER,
    date INTEGER, is_from_me INTEGER, item_type INTEGER DEFAULT 0,
    associated_message_type INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0,
    group_title TEXT
);
CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER);
CREATE TABLE audit (what TEXT);
-- A trigger that must never run: tarry only reads.
CREATE TRIGGER no_writes AFTER INSERT ON message BEGIN INSERT INTO audit VALUES ('written'); END;
INSERT INTO handle VALUES (1, '+10000000001', 'iMessage'), (2, 'sam@example.invalid', 'iMessage');
INSERT INTO chat VALUES (1, 'iMessage;-;+10000000001', '+10000000001', ''),
                        (2, 'iMessage;+;chat42', 'chat42', 'Trip planning');
-- 2023-06-01T18:00:00Z = 707335200 Apple seconds; nanoseconds since macOS 10.13.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me) VALUES
    (1, 'm1', 'Are you free tonight?', 1, 707335200000000000, 0),
    (2, 'm2', 'For you, always', 0, 707335260000000000, 1);
INSERT INTO message (ROWID, guid, text, attributedBody, handle_id, date, is_from_me) VALUES
    (3, 'm3', NULL, X'040B73747265616D747970656481E803840140848484124E5341747472696275746564537472696E67008484084E534F626A656374008592848484084E53537472696E67019484012B0C53656520796F75206174203886', 1, 707335320000000000, 0),
    (4, 'm4', NULL, X'0000', 1, 707335330000000000, 0);
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, cache_has_attachments) VALUES
    (5, 'm5', char(65532), 0, 707335380000000000, 1, 1);
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, associated_message_type) VALUES
    (6, 'm6', 'Loved “For you, always”', 1, 707335440000000000, 0, 2000);
-- An old (pre-10.13) row in seconds, and a group rename.
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me) VALUES
    (7, 'm7', 'Who brings the tent?', 2, 707335500, 0);
INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me, item_type, group_title) VALUES
    (8, 'm8', NULL, 0, 707335560000000000, 1, 2, 'Trip planning');
-- A row with neither text nor attributedBody (nor a file): nothing to show, reported skipped.
INSERT INTO message (ROWID, guid, text, attributedBody, handle_id, date, is_from_me) VALUES
    (10, 'm10', NULL, NULL, 1, 707335470000000000, 0);
INSERT INTO chat_message_join VALUES (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (2, 7), (2, 8),
    (1, 10);
