"""Build a store holding five years of generated data, for the CLI benchmarks.

25k moments, 10k entries, 500 commitments with their marks, tradeoffs, people and value
profiles, up to 2026-11-19; written with bulk inserts in one transaction through the real store
(so the migrations and the search triggers run as they do for a person). Deterministic (seeded).

    .venv/bin/python bench/make_store.py [HOME]   # default: bench/out/store-5y
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tarry.store import Store

GENERATOR_VERSION = 1  # bump when the data changes, so cached stores are rebuilt
DEFAULT_HOME = Path(__file__).resolve().parent / "out" / f"store-5y-v{GENERATOR_VERSION}"
END = datetime(2026, 11, 19, 12, 0, tzinfo=UTC)
START = END - timedelta(days=5 * 365)
PRACTICES = ("depth", "stay", "seen", "space", "inner", "priority")
VOCABULARY = (
    "rain walk dinner tired work deadline laughed cried mother father sister call late train "
    "kitchen garden worried hopeful quiet honest afraid proud lonely close distance music film "
    "promise apology birthday hospital weekend holiday coffee letter story question listened "
    "argued forgave slowly together alone morning evening night tomorrow yesterday"
)
WORDS = VOCABULARY.split()
Rows = list[tuple[object, ...]]
COUNTS = {
    "people": 40,
    "moments": 25_000,
    "entries": 10_000,
    "commitments": 500,
    "tradeoffs": 3_000,
    "profiles": 60,
}


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def when(rng: random.Random) -> datetime:
    seconds = rng.randrange(int((END - START).total_seconds()))
    return START + timedelta(seconds=seconds)


def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def people(rng: random.Random) -> Rows:
    relations = ("partner", "friend", "friend", "family", "date", "other")
    return [
        (
            i,
            f"Person {i:02d}",
            relations[i % len(relations)],
            rng.choice((3, 7, 14, 30, None)),
            "",
            stamp(START),
        )
        for i in range(1, COUNTS["people"] + 1)
    ]


def moments(rng: random.Random) -> tuple[Rows, Rows, Rows]:
    rows: Rows = []
    with_people: Rows = []
    practised: Rows = []
    for i in range(1, COUNTS["moments"] + 1):
        ratings = [rng.randint(1, 7) for _ in range(5)]
        disclosure = ("none", "fact", "thought", "feeling")[min(3, ratings[1] // 2)]
        note = words(rng, rng.randint(3, 20)) if rng.random() < 0.6 else ""
        rows.append(
            (
                i,
                stamp(when(rng)),
                rng.choice((15, 30, 45, 60, 90, 120)),
                rng.choice(("in-person", "call", "video", "text")),
                rng.choice(("me", "them", "mutual")),
                *ratings,
                rng.randint(1, 7),
                rng.randint(0, 10),
                disclosure,
                note,
            )
        )
        for person in rng.sample(range(1, COUNTS["people"] + 1), rng.choice((1, 1, 1, 2))):
            with_people.append((i, person))
        for practice in rng.sample(PRACTICES, rng.choice((0, 1, 1, 2))):
            practised.append((i, practice))
    return rows, with_people, practised


def commitments(rng: random.Random) -> tuple[Rows, Rows, Rows, Rows]:
    rows: Rows = []
    with_people: Rows = []
    practised: Rows = []
    marks: Rows = []
    days = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    for i in range(1, COUNTS["commitments"] + 1):
        first = (START + timedelta(days=i * 3.6)).replace(hour=19, minute=0, second=0)
        weekday = days[first.weekday()]
        last = first + timedelta(weeks=rng.randint(8, 30))
        ended = stamp(last) if last < END else None
        rows.append(
            (
                i,
                f"Commitment {i}",
                f"FREQ=WEEKLY;BYDAY={weekday}",
                first.replace(tzinfo=None).isoformat(),
                rng.choice((60, 90, 120)),
                "",
                stamp(first),
                ended,
            )
        )
        with_people.append((i, rng.randint(1, COUNTS["people"])))
        practised += [(i, p) for p in rng.sample(PRACTICES, 2)]
        at = first
        while at < min(last, END):
            if rng.random() < 0.8:
                status = rng.choice(("kept", "kept", "kept", "traded", "skipped"))
                marks.append((i, at.replace(tzinfo=None).isoformat(), status, None, "", stamp(at)))
            at += timedelta(weeks=1)
    return rows, with_people, practised, marks


def tradeoffs(rng: random.Random) -> Rows:
    return [
        (
            stamp(when(rng)),
            words(rng, 2),
            words(rng, 2),
            rng.choice(("toward", "away")),
            rng.choice((0.5, 1, 2, None)),
            words(rng, 5),
        )
        for _ in range(COUNTS["tradeoffs"])
    ]


def build(home: Path) -> Path:
    """Create the store in `home` (which must not hold one yet)."""
    rng = random.Random(20261119)
    started = time.perf_counter()
    with Store.open(home) as store, store.tx():
        insert = store.conn.executemany
        insert("INSERT INTO people VALUES (?, ?, ?, ?, ?, ?)", people(rng))
        rows, with_people, practised = moments(rng)
        insert("INSERT INTO moments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        insert("INSERT INTO moment_people VALUES (?, ?)", with_people)
        insert("INSERT INTO moment_practices VALUES (?, ?)", practised)
        insert(
            "INSERT INTO entries (at, prompt, body) VALUES (?, '', ?)",
            [
                (stamp(when(rng)), words(rng, rng.randint(20, 120)))
                for _ in range(COUNTS["entries"])
            ],
        )
        c_rows, c_people, c_practices, marks = commitments(rng)
        insert("INSERT INTO commitments VALUES (?, ?, ?, ?, ?, ?, ?, ?)", c_rows)
        insert("INSERT INTO commitment_people VALUES (?, ?)", c_people)
        insert("INSERT INTO commitment_practices VALUES (?, ?)", c_practices)
        insert(
            "INSERT INTO occurrences (commitment_id, scheduled_at, status, tradeoff_id,"
            " note, marked_at) VALUES (?, ?, ?, ?, ?, ?)",
            marks,
        )
        insert(
            "INSERT INTO tradeoffs (at, chose, over, direction, cost_hours, cost_note, note)"
            " VALUES (?, ?, ?, ?, ?, '', ?)",
            tradeoffs(rng),
        )
        _profiles(store, rng)
    print(f"built {home} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return home


def _profiles(store: Store, rng: random.Random) -> None:
    domains = ("family", "intimate", "friends", "work", "recreation", "selfcare")
    for i in range(1, COUNTS["profiles"] + 1):
        taken = datetime.combine(date(2021, 12, 1) + timedelta(days=30 * i), datetime.min.time())
        store.execute("INSERT INTO value_profiles VALUES (?, ?, '')", (i, stamp(taken)))
        store.conn.executemany(
            "INSERT INTO value_ratings VALUES (?, ?, ?, ?)",
            [(i, d, rng.randint(5, 10), rng.randint(2, 9)) for d in domains],
        )


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_HOME
    if (target / "tarry.db").exists():
        sys.exit(f"{target} already holds a store; remove it to rebuild.")
    build(target)
