"""Checking all the content at once: every file valid, counts per level, no near-duplicates."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tarry.prompts import deck, duplicates, inner, rituals, staying
from tarry.prompts.deck import CONTENT


@dataclass
class Report:
    """What `tarry deck check` prints: sizes, the spread of levels and contexts, near-duplicates."""

    counts: dict[str, int]
    levels: dict[int, int]
    contexts: dict[str, int]
    duplicates: list[duplicates.Pair] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "levels": {str(k): v for k, v in sorted(self.levels.items())},
            "contexts": self.contexts,
            "near_duplicates": [vars(p) for p in self.duplicates],
        }


def check(content: Path = CONTENT) -> Report:
    """Load and validate every content file (raising FormatError on the first problem)."""
    prompts, steps = deck.prompts(content), deck.evening(content)
    cards, suggestions = staying.cards(content), inner.prompts(content)
    found = rituals.load(content)[1]
    counts = {
        "prompts": len(prompts),
        "evening_steps": len(steps),
        "rituals": len(found),
        "staying_cards": len(cards),
        "inner_prompts": len(suggestions),
    }
    texts = [(p.id, p.text) for p in prompts] + [(s.id, s.text) for s in steps]
    pairs = duplicates.near_duplicates(texts)
    pairs += duplicates.near_duplicates([(p.id, p.text) for p in suggestions])
    pairs += duplicates.near_duplicates([(c.id, c.text) for c in cards])
    levels = Counter(p.level for p in prompts)
    contexts = Counter(c for p in prompts for c in p.contexts)
    return Report(counts, dict(levels), dict(contexts), pairs)
