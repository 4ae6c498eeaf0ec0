"""Together: answer-then-reveal rounds (commitments, keys, answers) and their threads."""

SQL = """
CREATE TABLE together_rounds (
    round_id TEXT PRIMARY KEY,
    pair_id BLOB NOT NULL REFERENCES together_pairs(pair_id) ON DELETE CASCADE,
    prompt_id TEXT NOT NULL,
    prompt TEXT NOT NULL,
    depth INTEGER NOT NULL,
    opened_by TEXT NOT NULL,          -- me | them
    opened_at TEXT NOT NULL,
    my_answer TEXT,
    my_key BLOB,                      -- the answer key, sent only once both commitments are in
    my_cipher BLOB,
    my_commitment BLOB,
    my_commit_seq INTEGER,            -- the message that carried my commitment
    my_answered_at TEXT,
    my_revealed_at TEXT,
    their_cipher BLOB,
    their_commitment BLOB,
    their_committed_at TEXT,
    their_answer TEXT,
    their_revealed_at TEXT,
    broken TEXT,                      -- why their reveal was not believed
    seen_at TEXT                      -- when I last looked at the round
);
CREATE INDEX together_rounds_pair ON together_rounds (pair_id, opened_at);
CREATE TABLE together_replies (
    id INTEGER PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES together_rounds(round_id) ON DELETE CASCADE,
    author TEXT NOT NULL,             -- me | them
    text TEXT NOT NULL,
    at TEXT NOT NULL,
    seen INTEGER NOT NULL DEFAULT 0
);
"""
