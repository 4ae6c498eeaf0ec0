"""The calendar: import time blocks (the time audit) and export commitments (protected time)."""
