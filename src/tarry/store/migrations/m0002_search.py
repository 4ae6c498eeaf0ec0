"""Full-text search (FTS5) over entries, moment notes and tradeoff notes, kept by triggers."""

SQL = """
CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED, ref UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO search_index (kind, ref, body) SELECT 'entry', id, prompt || ' ' || body FROM entries;
INSERT INTO search_index (kind, ref, body) SELECT 'moment', id, note FROM moments WHERE note != '';
INSERT INTO search_index (kind, ref, body)
    SELECT 'tradeoff', id, chose || ' ' || over || ' ' || cost_note || ' ' || note FROM tradeoffs;

CREATE TRIGGER entries_ai AFTER INSERT ON entries BEGIN
    INSERT INTO search_index (kind, ref, body) VALUES ('entry', new.id, new.prompt || ' ' || new.body);
END;
CREATE TRIGGER entries_ad AFTER DELETE ON entries BEGIN
    DELETE FROM search_index WHERE kind = 'entry' AND ref = old.id;
END;
CREATE TRIGGER entries_au AFTER UPDATE ON entries BEGIN
    DELETE FROM search_index WHERE kind = 'entry' AND ref = old.id;
    INSERT INTO search_index (kind, ref, body) VALUES ('entry', new.id, new.prompt || ' ' || new.body);
END;

CREATE TRIGGER moments_ai AFTER INSERT ON moments WHEN new.note != '' BEGIN
    INSERT INTO search_index (kind, ref, body) VALUES ('moment', new.id, new.note);
END;
CREATE TRIGGER moments_ad AFTER DELETE ON moments BEGIN
    DELETE FROM search_index WHERE kind = 'moment' AND ref = old.id;
END;
CREATE TRIGGER moments_au AFTER UPDATE OF note ON moments BEGIN
    DELETE FROM search_index WHERE kind = 'moment' AND ref = old.id;
    INSERT INTO search_index (kind, ref, body) SELECT 'moment', new.id, new.note WHERE new.note != '';
END;

CREATE TRIGGER tradeoffs_ai AFTER INSERT ON tradeoffs BEGIN
    INSERT INTO search_index (kind, ref, body)
        VALUES ('tradeoff', new.id, new.chose || ' ' || new.over || ' ' || new.cost_note || ' ' || new.note);
END;
CREATE TRIGGER tradeoffs_ad AFTER DELETE ON tradeoffs BEGIN
    DELETE FROM search_index WHERE kind = 'tradeoff' AND ref = old.id;
END;
CREATE TRIGGER tradeoffs_au AFTER UPDATE ON tradeoffs BEGIN
    DELETE FROM search_index WHERE kind = 'tradeoff' AND ref = old.id;
    INSERT INTO search_index (kind, ref, body)
        VALUES ('tradeoff', new.id, new.chose || ' ' || new.over || ' ' || new.cost_note || ' ' || new.note);
END;
"""
