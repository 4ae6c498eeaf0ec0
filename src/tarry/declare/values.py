"""Value profiles: the Valued Living Questionnaire's 10 domains, rated 1-10, dated.

Per domain, *importance* (how much it matters) and *consistency* (how fully it was lived lately).
The VLQ composite is the mean of importance x consistency (1-100). The *gap* (importance minus
consistency) is a derived index, not part of the VLQ; the *want/value gap* is that gap averaged
over the closeness domains (intimate relations, friendships, family). A profile may rate only
some domains (say, parenting does not apply): means are taken over the domains rated, and a
change between two profiles over the domains rated in both (like with like).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from statistics import fmean
from typing import Any

from tarry.base import clock
from tarry.base.errors import InvalidInput, NotFound, Step
from tarry.store import Store, undo

DOMAINS: dict[str, str] = {
    "family": "Family (other than couple or parenting)",
    "intimate": "Intimate relations (partner, couple, dating)",
    "parenting": "Parenting",
    "friends": "Friendships and social life",
    "work": "Work",
    "education": "Education and training",
    "recreation": "Recreation and fun",
    "spirituality": "Spirituality",
    "community": "Community and citizenship",
    "selfcare": "Physical self-care (sleep, food, exercise)",
}
CLOSENESS: tuple[str, ...] = ("intimate", "friends", "family")

# Other spellings people type for a domain key (compared without '-', '_' or spaces).
SYNONYMS = {
    "intimaterelations": "intimate",
    "couple": "intimate",
    "partner": "intimate",
    "friendships": "friends",
    "friendship": "friends",
    "social": "friends",
    "fun": "recreation",
    "citizenship": "community",
    "health": "selfcare",
}

GAP_LABEL = "gap = importance - consistency (a derived index, not a VLQ score)"


@dataclass
class Rating:
    domain: str
    importance: int
    consistency: int

    @property
    def label(self) -> str:
        return DOMAINS[self.domain]

    @property
    def product(self) -> int:
        return self.importance * self.consistency

    @property
    def gap(self) -> int:
        return self.importance - self.consistency

    def to_dict(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "label": self.label,
            "importance": self.importance,
            "consistency": self.consistency,
            "product": self.product,
            "gap": self.gap,
        }


@dataclass
class Profile:
    id: int
    taken_at: datetime
    note: str
    ratings: list[Rating] = field(default_factory=list)  # in DOMAINS order

    @property
    def composite(self) -> float:
        """The VLQ composite: mean of importance x consistency over the rated domains."""
        return round(fmean(r.product for r in self.ratings), 2)

    @property
    def closeness_gap(self) -> float | None:
        """The want/value gap (derived): mean gap over the closeness domains rated."""
        gaps = [r.gap for r in self.ratings if r.domain in CLOSENESS]
        return round(fmean(gaps), 2) if gaps else None

    def rating(self, domain: str) -> Rating | None:
        return next((r for r in self.ratings if r.domain == domain), None)

    def composite_over(self, domains: Iterable[str]) -> float | None:
        """The composite over only these domains (to compare profiles like with like)."""
        products = [r.product for r in self.ratings if r.domain in set(domains)]
        return round(fmean(products), 2) if products else None

    def closeness_gap_over(self, domains: Iterable[str]) -> float | None:
        gaps = [r.gap for r in self.ratings if r.domain in set(domains) and r.domain in CLOSENESS]
        return round(fmean(gaps), 2) if gaps else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "taken_at": self.taken_at.isoformat(),
            "note": self.note,
            "composite": self.composite,
            "closeness_gap": self.closeness_gap,
            "gap_label": GAP_LABEL,
            "ratings": [r.to_dict() for r in self.ratings],
        }


@dataclass
class Trend:
    """How the profile moved from the first to the latest (deltas are latest minus first).

    Changes are taken over `compared` only, the domains rated in both, so that leaving a domain
    out of one profile does not pass for a change in how you live.
    """

    profiles: list[Profile]
    composite_change: float | None
    closeness_gap_change: float | None
    consistency_change: dict[str, int]
    compared: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "profiles": [p.to_dict() for p in self.profiles],
            "composite_change": self.composite_change,
            "closeness_gap_change": self.closeness_gap_change,
            "consistency_change": self.consistency_change,
            "compared_domains": self.compared,
        }


def shared_domains(before: Profile, after: Profile) -> list[str]:
    """The domains rated in both profiles, in DOMAINS order."""
    return [r.domain for r in after.ratings if before.rating(r.domain) is not None]


def _change(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else round(after - before, 2)


def composite_change(before: Profile, after: Profile) -> float | None:
    """The composite's change over the domains both profiles rated (None: none in common)."""
    shared = shared_domains(before, after)
    return _change(before.composite_over(shared), after.composite_over(shared))


def domain_key(text: str) -> str:
    """The domain key for a user's spelling ('Intimate relations', 'self-care' ...)."""
    squashed = "".join(ch for ch in text.lower() if ch.isalnum())
    key = SYNONYMS.get(squashed, squashed)
    if key not in DOMAINS:
        raise InvalidInput(
            f"Unknown value domain {text!r}.",
            field="ratings",
            expected=f"a domain: one of {', '.join(DOMAINS)}",
        )
    return key


def parse_ratings(texts: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Read several 'domain=I/C' texts into {domain: (I, C)}; a domain given twice is refused."""
    given: dict[str, tuple[int, int]] = {}
    said: dict[str, str] = {}
    for text in texts:
        domain, importance, consistency = parse_rating(text)
        if domain in given:
            raise InvalidInput(
                f"{domain} is rated twice: {said[domain]} and {text}.",
                "Give each domain once.",
                field="ratings",
            )
        given[domain], said[domain] = (importance, consistency), text
    return given


def parse_rating(text: str) -> tuple[str, int, int]:
    """Read 'intimate=9/4' (domain=importance/consistency)."""
    try:
        name, pair = text.split("=", 1)
        importance, consistency = (int(part) for part in pair.split("/"))
    except ValueError as exc:
        raise InvalidInput(
            f"Cannot read the rating {text!r}.",
            field="ratings",
            expected="DOMAIN=IMPORTANCE/CONSISTENCY, each 1-10",
            example="intimate=9/4",
        ) from exc
    return domain_key(name), importance, consistency


def check_score(domain: str, what: str, value: int) -> None:
    if not 1 <= value <= 10:
        raise InvalidInput(
            f"The {what} of {domain} must be 1-10, not {value}.",
            field=f"ratings.{domain}.{what}",
            expected="a whole number from 1 (not at all) to 10 (extremely)",
        )


def unchanged(store: Store, ratings: Mapping[str, tuple[int, int]]) -> Profile | None:
    """The latest profile, when `ratings` rate the same domains the same way; else None.

    A questionnaire sent back as it was shown says nothing new: the shells save nothing then.
    """
    latest_profile = latest(store)
    if latest_profile is None:
        return None
    given = {domain_key(name): tuple(pair) for name, pair in ratings.items()}
    held = {r.domain: (r.importance, r.consistency) for r in latest_profile.ratings}
    return latest_profile if given == held else None


def checked_ratings(ratings: Mapping[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """{domain key: (importance, consistency)}, every score checked; at least one domain."""
    if not ratings:
        raise InvalidInput("A value profile needs at least one rated domain.", field="ratings")
    checked: dict[str, tuple[int, int]] = {}
    for name, (importance, consistency) in ratings.items():
        key = domain_key(name)
        check_score(key, "importance", importance)
        check_score(key, "consistency", consistency)
        checked[key] = (importance, consistency)
    return checked


def record(
    store: Store,
    ratings: Mapping[str, tuple[int, int]],
    *,
    at: datetime | None = None,
    note: str = "",
) -> Profile:
    """Store a dated profile from {domain: (importance, consistency)}; all or nothing."""
    checked = checked_ratings(ratings)
    with store.tx():
        cur = store.execute(
            "INSERT INTO value_profiles (taken_at, note) VALUES (?, ?)",
            (clock.to_text(at or clock.now()), note),
        )
        profile_id = int(cur.lastrowid or 0)
        store.conn.executemany(
            "INSERT INTO value_ratings (profile_id, domain, importance, consistency)"
            " VALUES (?, ?, ?, ?)",
            [(profile_id, key, imp, con) for key, (imp, con) in checked.items()],
        )
    return get(store, profile_id)


def _load(store: Store, row: Any) -> Profile:
    found = {
        r["domain"]: Rating(r["domain"], r["importance"], r["consistency"])
        for r in store.query("SELECT * FROM value_ratings WHERE profile_id = ?", (row["id"],))
    }
    ratings = [found[key] for key in DOMAINS if key in found]
    return Profile(row["id"], clock.from_text(row["taken_at"]), row["note"], ratings)


def get(store: Store, profile_id: int) -> Profile:
    row = store.one("SELECT * FROM value_profiles WHERE id = ?", (profile_id,))
    if row is None:
        raise NotFound(f"No value profile with id {profile_id}.", step=Step.VALUE_HISTORY)
    return _load(store, row)


def history(store: Store) -> list[Profile]:
    """Every profile, oldest first."""
    rows = store.query("SELECT * FROM value_profiles ORDER BY taken_at, id")
    return [_load(store, row) for row in rows]


def latest(store: Store, *, before: datetime | None = None) -> Profile | None:
    """The newest profile (taken before `before`, when given)."""
    row = store.one(
        "SELECT * FROM value_profiles WHERE taken_at < ? ORDER BY taken_at DESC, id DESC LIMIT 1",
        (clock.to_text(before) if before else "\uffff",),
    )
    return None if row is None else _load(store, row)


def trend(store: Store) -> Trend:
    """The composite and want/value gap across profiles, and per-domain consistency change."""
    profiles = history(store)
    if len(profiles) < 2:
        return Trend(profiles, None, None, {})
    first, last = profiles[0], profiles[-1]
    shared = shared_domains(first, last)
    gap_change = _change(first.closeness_gap_over(shared), last.closeness_gap_over(shared))
    consistency = {}
    for domain in shared:
        before, after = first.rating(domain), last.rating(domain)
        if before is not None and after is not None:
            consistency[domain] = after.consistency - before.consistency
    return Trend(profiles, composite_change(first, last), gap_change, consistency, shared)


def summary(profile: Profile) -> str:
    return f"value profile {profile.id} of {profile.taken_at:%d %b %Y}"


def edit(
    store: Store,
    profile_id: int,
    *,
    ratings: Mapping[str, tuple[int, int]] | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> Profile:
    """Correct a profile: its ratings (all of them, replacing the old), note or date; undoable."""
    old = get(store, profile_id)
    checked = checked_ratings(ratings) if ratings is not None else None
    with store.tx():
        before = undo.edit(store, "value_profiles", profile_id, ("value_ratings",))
        store.execute(
            "UPDATE value_profiles SET note = ?, taken_at = ? WHERE id = ?",
            (note.strip() if note is not None else old.note, clock.to_text(at or old.taken_at),
             profile_id),
        )  # fmt: skip
        if checked is not None:
            store.execute("DELETE FROM value_ratings WHERE profile_id = ?", (profile_id,))
            store.conn.executemany(
                "INSERT INTO value_ratings (profile_id, domain, importance, consistency)"
                " VALUES (?, ?, ?, ?)",
                [(profile_id, key, imp, con) for key, (imp, con) in checked.items()],
            )
        undo.record_edit(store, "profile", profile_id, summary(old), before)
    return get(store, profile_id)


def remove(store: Store, profile_id: int) -> undo.Change:
    """Delete a value profile; undoable for undo.UNDO_DAYS days."""
    return undo.delete(store, "profile", "value_profiles", profile_id,
                       summary(get(store, profile_id)))  # fmt: skip
