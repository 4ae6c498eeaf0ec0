"""Together: check-ins at a distance (a ritual, roles, a shared timer, each one's own rating)."""

SQL = """
CREATE TABLE together_checkins (
    checkin_id TEXT PRIMARY KEY,
    pair_id BLOB NOT NULL REFERENCES together_pairs(pair_id) ON DELETE CASCADE,
    ritual_id TEXT NOT NULL,
    minutes REAL NOT NULL,
    first_speaker TEXT NOT NULL,      -- me | them
    started_by TEXT NOT NULL,         -- me | them
    starts_at TEXT NOT NULL,
    moment_id INTEGER REFERENCES moments(id) ON DELETE SET NULL,
    rated_at TEXT,
    their_done_at TEXT
);
"""
