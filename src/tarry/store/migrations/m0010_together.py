"""Together: this device's keys, the chosen relay, pairs, the outbox, what was received, alerts."""

SQL = """
CREATE TABLE together_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE together_identity (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sign_seed BLOB NOT NULL,          -- Ed25519 seed (32 bytes): signs requests and messages
    box_secret BLOB NOT NULL,         -- X25519 secret key (32 bytes): opens sealed messages
    created_at TEXT NOT NULL
);
CREATE TABLE together_pairs (
    pair_id BLOB PRIMARY KEY,         -- 16 bytes, as the relay knows it
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE RESTRICT,
    peer_sign BLOB NOT NULL,          -- the other device's Ed25519 verify key
    peer_box BLOB NOT NULL,           -- the other device's X25519 public key
    safety TEXT NOT NULL,             -- the safety number both compared
    relay TEXT NOT NULL,              -- the relay this pair uses
    paired_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT,                  -- me | them
    relay_told INTEGER NOT NULL DEFAULT 0, -- my unpairing has reached the relay
    depth_mine INTEGER NOT NULL DEFAULT 2,
    depth_theirs INTEGER NOT NULL DEFAULT 2,
    send_seq INTEGER NOT NULL DEFAULT 0,   -- last message number sealed to them
    send_hash BLOB NOT NULL,               -- its hash (the chain's head)
    relay_seq INTEGER NOT NULL DEFAULT 0,  -- last message number the relay confirmed storing
    recv_seq INTEGER NOT NULL DEFAULT 0,   -- last message number accepted from them
    recv_hash BLOB NOT NULL,
    acked_seq INTEGER NOT NULL DEFAULT 0,  -- last message number acknowledged to the relay
    last_sync_at TEXT,
    last_error TEXT
);
CREATE UNIQUE INDEX together_pairs_person ON together_pairs (person_id) WHERE revoked_at IS NULL;
CREATE TABLE together_outbox (
    pair_id BLOB NOT NULL REFERENCES together_pairs(pair_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    body BLOB NOT NULL,               -- the sealed message, as posted
    queued_at TEXT NOT NULL,
    PRIMARY KEY (pair_id, seq)
) WITHOUT ROWID;
CREATE TABLE together_received (
    pair_id BLOB NOT NULL REFERENCES together_pairs(pair_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL,
    kind TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (pair_id, seq)
) WITHOUT ROWID;
CREATE TABLE together_alerts (
    id INTEGER PRIMARY KEY,
    pair_id BLOB NOT NULL REFERENCES together_pairs(pair_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,               -- tampered, forged, replayed, duplicated, reordered, dropped, ...
    seq INTEGER NOT NULL,
    detail TEXT NOT NULL,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    times INTEGER NOT NULL DEFAULT 1,
    seen INTEGER NOT NULL DEFAULT 0,
    UNIQUE (pair_id, kind, seq)
);
"""
