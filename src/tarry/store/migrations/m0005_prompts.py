"""Prompt uses: which prompt, evening step or ritual was used with whom and when (no repeats)."""

SQL = """
CREATE TABLE prompt_uses (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL DEFAULT 'prompt' CHECK (kind IN ('prompt', 'evening', 'ritual')),
    prompt_id TEXT NOT NULL,          -- the stable id from the content files (tarry/prompts/content)
    person_id INTEGER REFERENCES people(id) ON DELETE CASCADE,
    context TEXT NOT NULL,
    depth INTEGER CHECK (depth IS NULL OR depth BETWEEN 1 AND 4),
    used_at TEXT NOT NULL
);
CREATE INDEX prompt_uses_person_used ON prompt_uses(person_id, used_at);
"""
