"""Together: shared protected time (proposals that become a commitment in both stores) and news."""

SQL = """
CREATE TABLE together_time (
    proposal_id TEXT PRIMARY KEY,
    pair_id BLOB NOT NULL REFERENCES together_pairs(pair_id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    rrule TEXT NOT NULL,
    starts_at TEXT NOT NULL,          -- local wall time of the first occurrence
    duration_min INTEGER NOT NULL,
    practices TEXT NOT NULL,          -- comma-separated practice keys
    note TEXT NOT NULL,
    proposed_by TEXT NOT NULL,        -- me | them
    proposed_at TEXT NOT NULL,
    status TEXT NOT NULL,             -- proposed | accepted | declined
    commitment_id INTEGER REFERENCES commitments(id) ON DELETE SET NULL
);
CREATE TABLE together_news (
    id INTEGER PRIMARY KEY,
    pair_id BLOB NOT NULL REFERENCES together_pairs(pair_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,               -- what the other did that I should hear of
    text TEXT NOT NULL,
    at TEXT NOT NULL,
    seen INTEGER NOT NULL DEFAULT 0
);
"""
