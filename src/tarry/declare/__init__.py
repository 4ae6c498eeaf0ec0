"""Declare: who matters (people, their cadence, days of contact) and what matters (value profiles,
the six practices).
"""
