"""The mirror's labels, cached per message with the labeller version that produced them."""

SQL = """
CREATE TABLE message_labels (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,         -- tarry.mirror.moves.VERSION; older rows are relabelled
    disclosure TEXT NOT NULL CHECK (disclosure IN ('none', 'fact', 'thought', 'feeling')),
    moves TEXT NOT NULL DEFAULT '',   -- comma-separated, in the contract's order
    question TEXT CHECK (question IN ('follow_up', 'switch', 'mirror', 'intro', 'other')),
    evidence TEXT NOT NULL DEFAULT '{}'  -- JSON: label -> the words or relation that decided it
);
"""
