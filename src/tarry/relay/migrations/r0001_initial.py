"""Nameplates (pairing codes' public numbers), pairs, messages, request nonces."""

SQLITE = """
CREATE TABLE nameplates (
    number INTEGER PRIMARY KEY,
    creator BLOB NOT NULL,
    claimer BLOB,
    created_at DOUBLE PRECISION NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL,
    closed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE pairing_messages (
    number INTEGER NOT NULL,
    side TEXT NOT NULL,
    phase TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (number, side, phase)
);
CREATE TABLE pairing_attempts (
    at DOUBLE PRECISION NOT NULL,
    device BLOB NOT NULL,
    ip TEXT NOT NULL,
    kind TEXT NOT NULL
);
CREATE INDEX pairing_attempts_at ON pairing_attempts (at);
CREATE TABLE pairs (
    pair_id BLOB PRIMARY KEY,
    low BLOB NOT NULL,
    high BLOB NOT NULL,
    joined_low INTEGER NOT NULL DEFAULT 0,
    joined_high INTEGER NOT NULL DEFAULT 0,
    next_low BIGINT NOT NULL DEFAULT 1,
    next_high BIGINT NOT NULL DEFAULT 1,
    created_at DOUBLE PRECISION NOT NULL,
    revoked_at DOUBLE PRECISION
);
CREATE TABLE messages (
    pair_id BLOB NOT NULL,
    slot INTEGER NOT NULL,
    seq BIGINT NOT NULL,
    body BLOB NOT NULL,
    received_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (pair_id, slot, seq)
) WITHOUT ROWID;
CREATE INDEX messages_received ON messages (received_at);
CREATE TABLE request_nonces (
    device BLOB NOT NULL,
    nonce BLOB NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (device, nonce)
) WITHOUT ROWID;
CREATE INDEX request_nonces_expiry ON request_nonces (expires_at);
"""

# Messages are hash-partitioned by pair: one pair's messages live in one partition, its index
# stays small, and the table can later be spread over machines by pair id (docs/relay.md).
PARTITIONS = 16
POSTGRES = (
    """
CREATE TABLE nameplates (
    number INTEGER PRIMARY KEY,
    creator BYTEA NOT NULL,
    claimer BYTEA,
    created_at DOUBLE PRECISION NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL,
    closed SMALLINT NOT NULL DEFAULT 0
);
CREATE TABLE pairing_messages (
    number INTEGER NOT NULL,
    side TEXT NOT NULL,
    phase TEXT NOT NULL,
    body BYTEA NOT NULL,
    PRIMARY KEY (number, side, phase)
);
CREATE TABLE pairing_attempts (
    at DOUBLE PRECISION NOT NULL,
    device BYTEA NOT NULL,
    ip TEXT NOT NULL,
    kind TEXT NOT NULL
);
CREATE INDEX pairing_attempts_at ON pairing_attempts (at);
CREATE TABLE pairs (
    pair_id BYTEA PRIMARY KEY,
    low BYTEA NOT NULL,
    high BYTEA NOT NULL,
    joined_low SMALLINT NOT NULL DEFAULT 0,
    joined_high SMALLINT NOT NULL DEFAULT 0,
    next_low BIGINT NOT NULL DEFAULT 1,
    next_high BIGINT NOT NULL DEFAULT 1,
    created_at DOUBLE PRECISION NOT NULL,
    revoked_at DOUBLE PRECISION
);
CREATE TABLE messages (
    pair_id BYTEA NOT NULL,
    slot SMALLINT NOT NULL,
    seq BIGINT NOT NULL,
    body BYTEA NOT NULL,
    received_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (pair_id, slot, seq)
) PARTITION BY HASH (pair_id);
"""
    + "".join(
        f"CREATE TABLE messages_p{n:02d} PARTITION OF messages"
        f" FOR VALUES WITH (MODULUS {PARTITIONS}, REMAINDER {n});\n"
        for n in range(PARTITIONS)
    )
    + """
CREATE INDEX messages_received ON messages (received_at);
CREATE TABLE request_nonces (
    device BYTEA NOT NULL,
    nonce BYTEA NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (device, nonce)
);
CREATE INDEX request_nonces_expiry ON request_nonces (expires_at);
"""
)
