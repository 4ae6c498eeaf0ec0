"""Review: the weekly review, strength of practices and people, drift, and one invitation."""
