"""The undo log: what an edit or a deletion changed, kept a while so that it can be undone."""

SQL = """
CREATE TABLE undo_log (
    id INTEGER PRIMARY KEY,
    action TEXT NOT NULL CHECK (action IN ('delete', 'edit', 'mark')),
    kind TEXT NOT NULL,               -- person, moment, entry, tradeoff, commitment, occurrence, profile
    ref INTEGER NOT NULL,             -- the id of the thing changed, in its own table
    summary TEXT NOT NULL,            -- what it was, in words ("moment with Sam, Thu 19 Nov")
    plan TEXT NOT NULL,               -- JSON: the rows to remove, put back and set back (store/undo.py)
    done_at TEXT NOT NULL             -- when the change was made; older than UNDO_DAYS is forgotten
);
CREATE INDEX undo_log_done ON undo_log(done_at);
"""
