"""The mirror's calibrated scores per message, so reports can tell confident labels apart."""

SQL = """
ALTER TABLE message_labels ADD COLUMN scores TEXT NOT NULL DEFAULT '{}';  -- JSON: head -> probability
"""
