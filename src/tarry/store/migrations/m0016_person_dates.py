"""Important dates of the people: birthdays, anniversaries, any day the person names."""

SQL = """
CREATE TABLE person_dates (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    label TEXT NOT NULL,              -- birthday, anniversary, or the person's own words
    month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    day INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31),
    year INTEGER CHECK (year IS NULL OR year BETWEEN 1 AND 9999),  -- NULL: the year is not known
    source TEXT NOT NULL DEFAULT 'typed' CHECK (source IN ('typed', 'vcard')),
    UNIQUE (person_id, label, month, day)
);
"""
