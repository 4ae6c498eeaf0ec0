"""The mirror's calibrated scores per message, and which of its labels are confident.

Reports show as findings only the labels the model is sure of (docs/mirror.md); older rows are
relabelled anyway, since the model that wrote them is not the shipped one.
"""

SQL = """
ALTER TABLE message_labels ADD COLUMN scores TEXT NOT NULL DEFAULT '{}';  -- JSON: head -> p
ALTER TABLE message_labels ADD COLUMN sure TEXT NOT NULL DEFAULT '';  -- confident labels, a,b
"""
