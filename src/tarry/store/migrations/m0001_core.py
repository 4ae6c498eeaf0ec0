"""The practice loop: people, value profiles, commitments, tradeoffs, moments, entries."""

SQL = """
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    relation TEXT NOT NULL DEFAULT 'friend'
        CHECK (relation IN ('partner', 'date', 'friend', 'family', 'other')),
    cadence_days REAL CHECK (cadence_days IS NULL OR cadence_days > 0),
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE aliases (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    alias TEXT NOT NULL UNIQUE COLLATE NOCASE,
    PRIMARY KEY (person_id, alias)
);

CREATE TABLE value_profiles (
    id INTEGER PRIMARY KEY,
    taken_at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);

CREATE TABLE value_ratings (
    profile_id INTEGER NOT NULL REFERENCES value_profiles(id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    importance INTEGER NOT NULL CHECK (importance BETWEEN 1 AND 10),
    consistency INTEGER NOT NULL CHECK (consistency BETWEEN 1 AND 10),
    PRIMARY KEY (profile_id, domain)
);

CREATE TABLE commitments (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    rrule TEXT NOT NULL,
    starts_at TEXT NOT NULL,          -- local wall time of the first occurrence, no zone
    duration_min INTEGER NOT NULL CHECK (duration_min > 0),
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    ended_at TEXT                     -- set when the commitment is retired
);

CREATE TABLE commitment_people (
    commitment_id INTEGER NOT NULL REFERENCES commitments(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    PRIMARY KEY (commitment_id, person_id)
);

CREATE TABLE commitment_practices (
    commitment_id INTEGER NOT NULL REFERENCES commitments(id) ON DELETE CASCADE,
    practice TEXT NOT NULL,
    PRIMARY KEY (commitment_id, practice)
);

CREATE TABLE tradeoffs (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    chose TEXT NOT NULL,
    over TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('toward', 'away')),
    cost_hours REAL CHECK (cost_hours IS NULL OR cost_hours >= 0),
    cost_note TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT ''
);

CREATE TABLE tradeoff_practices (
    tradeoff_id INTEGER NOT NULL REFERENCES tradeoffs(id) ON DELETE CASCADE,
    practice TEXT NOT NULL,
    PRIMARY KEY (tradeoff_id, practice)
);

-- Only occurrences the person has marked are stored; the rest follow from the rule.
CREATE TABLE occurrences (
    id INTEGER PRIMARY KEY,
    commitment_id INTEGER NOT NULL REFERENCES commitments(id) ON DELETE CASCADE,
    scheduled_at TEXT NOT NULL,       -- local wall time, as generated from the rule
    status TEXT NOT NULL CHECK (status IN ('kept', 'traded', 'skipped')),
    tradeoff_id INTEGER REFERENCES tradeoffs(id) ON DELETE SET NULL,
    note TEXT NOT NULL DEFAULT '',
    marked_at TEXT NOT NULL,
    UNIQUE (commitment_id, scheduled_at)
);

CREATE TABLE moments (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    duration_min INTEGER NOT NULL CHECK (duration_min >= 0),
    medium TEXT NOT NULL DEFAULT 'in-person',
    initiator TEXT NOT NULL DEFAULT 'mutual' CHECK (initiator IN ('me', 'them', 'mutual')),
    intimacy INTEGER NOT NULL CHECK (intimacy BETWEEN 1 AND 7),
    i_disclosed INTEGER NOT NULL CHECK (i_disclosed BETWEEN 1 AND 7),
    they_disclosed INTEGER NOT NULL CHECK (they_disclosed BETWEEN 1 AND 7),
    pleasantness INTEGER NOT NULL CHECK (pleasantness BETWEEN 1 AND 7),
    satisfaction INTEGER NOT NULL CHECK (satisfaction BETWEEN 1 AND 7),
    responsiveness INTEGER CHECK (responsiveness BETWEEN 1 AND 7),
    discomfort INTEGER NOT NULL DEFAULT 0 CHECK (discomfort BETWEEN 0 AND 10),
    disclosure TEXT NOT NULL DEFAULT 'fact'
        CHECK (disclosure IN ('none', 'fact', 'thought', 'feeling')),
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX moments_at ON moments(at);

CREATE TABLE moment_people (
    moment_id INTEGER NOT NULL REFERENCES moments(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    PRIMARY KEY (moment_id, person_id)
);
CREATE INDEX moment_people_person ON moment_people(person_id);

CREATE TABLE moment_practices (
    moment_id INTEGER NOT NULL REFERENCES moments(id) ON DELETE CASCADE,
    practice TEXT NOT NULL,
    PRIMARY KEY (moment_id, practice)
);

CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    prompt TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL
);
CREATE INDEX entries_at ON entries(at);

CREATE TABLE entry_tags (
    entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (entry_id, tag)
);
"""
