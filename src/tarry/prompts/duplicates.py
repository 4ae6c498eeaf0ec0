"""Near-duplicate detection across the content: the same question in other words is caught.

Two texts are near-duplicates when their content words overlap strongly (Jaccard of normalised
tokens, stop words dropped) or their normalised characters match closely (difflib's ratio).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

JACCARD_LIMIT = 0.6
RATIO_LIMIT = 0.9
# Words too common to tell two questions apart.
_STOP_TEXT = """
a an and are as at be but by did do does for from had has have how i if in is it its me my of on or
so that the their them they this to was we were what when where which who why will with would
you your
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True)
class Pair:
    first: str
    second: str
    jaccard: float
    ratio: float


def normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("'", "")))


def words(text: str) -> frozenset[str]:
    """Content words: lower case, apostrophes dropped, stop words removed, plural -s trimmed."""
    found = (w for w in normalise(text).split() if w not in STOP_WORDS)
    return frozenset(w[:-1] if len(w) > 4 and w.endswith("s") else w for w in found)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def near_duplicates(
    items: Iterable[tuple[str, str]],
    *,
    jaccard_limit: float = JACCARD_LIMIT,
    ratio_limit: float = RATIO_LIMIT,
) -> list[Pair]:
    """Every pair of (id, text) items that reads as the same prompt; ids in input order."""
    prepared = [(ident, words(text), normalise(text)) for ident, text in items]
    matcher = SequenceMatcher(None, autojunk=False)
    found = []
    for n, (id_b, words_b, norm_b) in enumerate(prepared):
        matcher.set_seq2(norm_b)  # difflib caches its work on the second sequence
        for id_a, words_a, norm_a in prepared[:n]:
            matcher.set_seq1(norm_a)
            overlap = jaccard(words_a, words_b)
            if overlap >= jaccard_limit or _close(matcher, ratio_limit):
                found.append(Pair(id_a, id_b, round(overlap, 2), round(matcher.ratio(), 2)))
    return found


def _close(matcher: SequenceMatcher[str], limit: float) -> bool:
    # The cheap upper bounds rule out almost every pair before the exact ratio is computed.
    return (
        matcher.real_quick_ratio() >= limit
        and matcher.quick_ratio() >= limit
        and matcher.ratio() >= limit
    )
