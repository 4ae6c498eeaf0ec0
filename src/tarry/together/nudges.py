"""Nudges: what the other person did that is now yours to do or read, from the local store only.

Shown on Today and by `tarry today`; computing them never touches the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tarry.store import Store
from tarry.together import inbox, outbox, pairs


@dataclass(frozen=True)
class Nudge:
    kind: str
    person: str
    text: str
    link: str  # the web page that answers it

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "person": self.person, "text": self.text, "link": self.link}


def nudges(store: Store) -> list[Nudge]:
    found: list[Nudge] = []
    for alert in inbox.alerts(store, unseen=True):
        found.append(Nudge("alert", alert.person, alert.text(), "/together"))
    for pair in pairs.active(store):
        found += _for_pair(store, pair)
    for pair in pairs.all_pairs(store):
        if pair.revoked_by == "them" and not store.scalar(
            "SELECT 1 FROM together_news WHERE pair_id = ? AND kind = 'unpaired'", (pair.pair_id,)
        ):
            found.append(Nudge("unpaired", pair.person, f"{pair.person} unpaired.", "/together"))
    return found


def _for_pair(store: Store, pair: pairs.Pair) -> list[Nudge]:
    name, link = pair.person, f"/together/{pair.person}"
    found = []
    for row in store.query(
        "SELECT round_id, prompt, opened_by, my_answer, their_commitment, their_answer, seen_at"
        " FROM together_rounds WHERE pair_id = ? ORDER BY opened_at DESC, rowid DESC",
        (pair.pair_id,),
    ):
        round_link = f"/together/rounds/{row['round_id']}"
        if row["my_answer"] is None and row["their_commitment"] is not None:
            found.append(Nudge("your-turn", name, f"{name} answered; your turn.", round_link))
        elif row["my_answer"] is None and row["opened_by"] == "them":
            found.append(Nudge("asked", name, f"{name} asked: {row['prompt']}", round_link))
        elif row["their_answer"] is not None and row["seen_at"] is None:
            found.append(
                Nudge("revealed", name, f"Both answered: see {name}'s answer.", round_link)
            )
    replies = (
        store.scalar(
            "SELECT count(*) FROM together_replies r"
            " JOIN together_rounds o ON o.round_id = r.round_id"
            " WHERE o.pair_id = ? AND r.seen = 0",
            (pair.pair_id,),
        )
        or 0
    )
    if replies:
        found.append(Nudge("replied", name, f"{name} replied ({replies}).", link))
    for row in store.query(
        "SELECT checkin_id FROM together_checkins WHERE pair_id = ? AND started_by = 'them'"
        " AND rated_at IS NULL",
        (pair.pair_id,),
    ):
        found.append(
            Nudge(
                "checkin",
                name,
                f"{name} started a check-in.",
                f"/together/checkins/{row['checkin_id']}",
            )
        )
    for row in store.query(
        "SELECT title FROM together_time WHERE pair_id = ? AND proposed_by = 'them'"
        " AND status = 'proposed'",
        (pair.pair_id,),
    ):
        found.append(Nudge("proposal", name, f"{name} proposes: {row['title']}.", link))
    for row in store.query(
        "SELECT text FROM together_news WHERE pair_id = ? AND seen = 0 ORDER BY id", (pair.pair_id,)
    ):
        found.append(Nudge("news", name, row["text"], link))
    if pair.depth_theirs != pair.depth_mine:
        found.append(
            Nudge(
                "depth",
                name,
                f"{name} would go to depth {pair.depth_theirs}; you said {pair.depth_mine}.",
                link,
            )
        )
    waiting = outbox.waiting(store, pair.pair_id)
    if waiting and pair.last_error:
        found.append(
            Nudge(
                "queued",
                name,
                f"{waiting} message(s) to {name} wait for the relay ({pair.last_error}).",
                link,
            )
        )
    return found


def mark_news_seen(store: Store, pair: pairs.Pair) -> None:
    store.execute("UPDATE together_news SET seen = 1 WHERE pair_id = ?", (pair.pair_id,))
