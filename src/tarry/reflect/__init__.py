"""Reflect: moments, tradeoffs and inner-life entries."""
