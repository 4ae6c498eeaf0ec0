"""The time audit: time blocks imported from calendars, classification rules, calendar settings."""

SQL = """
CREATE TABLE time_blocks (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,         -- UID + '|' + recurrence id: re-imports replace, never duplicate
    uid TEXT NOT NULL,
    calendar TEXT NOT NULL,           -- the source calendar's name (--calendar, X-WR-CALNAME, file)
    summary TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    attendees TEXT NOT NULL DEFAULT '', -- one 'Name <email>' per line
    categories TEXT NOT NULL DEFAULT '',
    starts_at TEXT NOT NULL,          -- UTC, clock.to_text
    ends_at TEXT NOT NULL,
    all_day INTEGER NOT NULL DEFAULT 0,
    floating INTEGER NOT NULL DEFAULT 0, -- the file gave no zone: read as local time
    digest TEXT NOT NULL,             -- content hash: an unchanged event is not rewritten
    imported_at TEXT NOT NULL
);
CREATE INDEX time_blocks_starts ON time_blocks(starts_at);

-- Ordered classification rules: the first that matches a time block gives its domain.
CREATE TABLE calendar_rules (
    id INTEGER PRIMARY KEY,
    position INTEGER NOT NULL,
    domain TEXT NOT NULL CHECK (domain IN ('work', 'connection', 'solo', 'other')),
    kind TEXT NOT NULL CHECK (kind IN ('keyword', 'calendar', 'attendee', 'person', 'all-day')),
    pattern TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE calendar_settings (
    key TEXT PRIMARY KEY,             -- 'connection_target_min', 'rules_seeded'
    value TEXT NOT NULL
);
"""
