"""Foundations with no domain: typed errors, the clock, where data lives, memory drafts, sealed
spools, safe outputs, input sources, text charts.
"""
