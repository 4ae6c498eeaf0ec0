"""Who wrote a WhatsApp message, where a colon could end the name or belong to it.

The header regex takes the author up to the first ": " (a colon before a letter, `Team:Alpha`,
stays in the name). That is right for nearly every line; for the rest the export itself says
how to split, read from its first records:
- an iOS group named `Trip: Paris` writes its system lines as `Trip: Paris: \u200eAlex added Bo`:
  the mark after the colon shows where the name ends;
- a name that is always followed by the same `word: ` (a contact saved as `Dr: Lee`) is that
  longer name;
- an Android system line has no author, so the text before its colon is one only if it is
  someone's name: `Alex changed the subject from "Trip` quotes and says what happened (the
  phrasings of each language are in whatsapp_text), and nobody else writes under it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from tarry.mirror.formats.whatsapp_text import MARKS, is_system_author

MAX_NAME = 60  # characters in the part of a name after its colon
REPEATS = 3  # records under one name that all continue with the same `word: `


class Authors:
    """The names in an export: those known plain, and names with ": " inside."""

    def __init__(self, counts: Counter[str], longer: dict[str, list[str]]) -> None:
        self.counts = counts
        self.longer = longer  # first part -> the longer names it starts, longest first
        self.plain = {a for a in counts if a not in longer and not self._system(a)}

    @classmethod
    def survey(cls, records: Iterable[tuple[str | None, str]]) -> Authors:
        """What the first records (author as the regex split it, text) say about names."""
        counts: Counter[str] = Counter()
        longer: dict[str, set[str]] = defaultdict(set)
        heads: dict[str, set[str | None]] = defaultdict(set)
        for author, text in records:
            if author is None:
                continue
            counts[author] += 1
            line = text.partition("\n")[0]
            marked = min((i for m in MARKS if (i := line.find(": " + m)) >= 0), default=-1)
            if 0 < marked <= MAX_NAME:
                longer[author].add(f"{author}: {line[:marked]}")
            head, colon, _ = line.partition(": ")
            heads[author].add(head if colon and len(head) <= MAX_NAME else None)
        for author, found in heads.items():
            if counts[author] >= REPEATS and len(found) == 1 and None not in found:
                longer[author].add(f"{author}: {found.pop()}")
        ordered = {a: sorted(names, key=len, reverse=True) for a, names in longer.items()}
        return cls(counts, ordered)

    def _system(self, author: str) -> bool:
        return self.counts[author] < 2 and is_system_author(author)

    def check(self, author: str, text: str) -> tuple[str | None, str]:
        """(author, text) split right; author None for a system line (its whole text)."""
        for name in self.longer.get(author, ()):
            rest = name[len(author) + 2 :]
            if text.startswith(rest + ": "):
                return name, text[len(rest) + 2 :]
            if text == rest + ":" or text.startswith(rest + ":\n"):
                return name, text[len(rest) + 1 :]
        if author in self.longer:
            return author, text
        if self._system(author):
            return None, f"{author}:{text}" if text[:1] in ("\n", "") else f"{author}: {text}"
        self.plain.add(author)
        return author, text
