"""Commit: protected, recurring time (commitments, their RRULEs and occurrences)."""
