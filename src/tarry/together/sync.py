"""One exchange with the relay: send what waits, receive what came, acknowledge, release keys.

Nothing is sent unless the person has paired. When the relay is out of reach everything stays
queued and the report says so; nothing is lost and nothing is half-applied.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tarry.base import clock
from tarry.base.errors import Gone, Misbehaved, TarryError, Unreachable
from tarry.store import Store
from tarry.together import checkins, inbox, outbox, pairs, rounds, shared_time
from tarry.together.client import RelayClient
from tarry.together.pairs import Pair

FEATURES = (rounds, checkins, shared_time)  # each registers the message kinds it handles


@dataclass
class SyncReport:
    sent: int = 0
    received: int = 0
    alerts: list[inbox.Alert] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)
    unreachable: str | None = None
    queued: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "received": self.received,
            "queued": self.queued,
            "alerts": [a.to_dict() for a in self.alerts],
            "revoked": self.revoked,
            "unreachable": self.unreachable,
        }


def sync(store: Store, *, wait: float = 0.0, timeout: float = 15.0) -> SyncReport:
    """Exchange with each relay that active pairs use; `wait` long-polls for new messages."""
    report = SyncReport()
    by_relay: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs.all_pairs(store):
        if pair.active:
            by_relay[pair.relay].append(pair)
    told = {
        r["relay"]
        for r in store.query(
            "SELECT relay FROM together_pairs WHERE revoked_by = 'me' AND relay_told = 0"
        )
    }
    for url in sorted(set(by_relay) | told):
        client = pairs.client_for(store, url, timeout)
        try:
            _with_relay(store, client, by_relay.get(url, []), wait, report)
        except Unreachable as exc:
            report.unreachable = exc.message
            _note(store, by_relay.get(url, []), exc.message)
    report.queued = outbox.waiting(store)
    report.alerts = inbox.alerts(store, unseen=True)
    return report


def _with_relay(
    store: Store, client: RelayClient, group: list[Pair], wait: float, report: SyncReport
) -> None:
    pairs.tell_relay(store, client)
    live = _flush(store, client, group, report)
    if not live:
        return
    delivered = client.inbox({p.pair_id: p.recv_seq for p in live}, wait)
    for pair in live:
        got = delivered.get(pair.pair_id, {"messages": [], "revoked": False})
        if got.get("revoked"):
            pairs.mark_revoked(store, pair.pair_id, "them")
            report.revoked.append(pair.person)
            continue
        messages = list(got.get("messages", []))
        report.received += inbox.receive(store, pair, messages, pair.recv_seq).accepted
        _ack(store, client, pairs.by_id(store, pair.pair_id))
        for feature in FEATURES:
            feature.release(store, pairs.by_id(store, pair.pair_id))
    _flush(store, client, [pairs.by_id(store, p.pair_id) for p in live], report)
    _note(store, live, None)


def _flush(store: Store, client: RelayClient, group: list[Pair], report: SyncReport) -> list[Pair]:
    """Send each pair's outbox; returns the pairs still active."""
    live = []
    for pair in group:
        try:
            report.sent += outbox.flush(store, client, pair.pair_id)
        except Gone:
            pairs.mark_revoked(store, pair.pair_id, "them")
            report.revoked.append(pair.person)
            continue
        live.append(pair)
    return live


def _ack(store: Store, client: RelayClient, pair: Pair) -> None:
    if pair.recv_seq > pair.acked_seq:
        client.ack(pair.pair_id, pair.recv_seq)
        store.execute(
            "UPDATE together_pairs SET acked_seq = max(acked_seq, ?) WHERE pair_id = ?",
            (pair.recv_seq, pair.pair_id),
        )


def _note(store: Store, group: list[Pair], error: str | None) -> None:
    now = clock.to_text(clock.now())
    for pair in group:
        if error is None:
            store.execute(
                "UPDATE together_pairs SET last_sync_at = ?, last_error = NULL WHERE pair_id = ?",
                (now, pair.pair_id),
            )
        else:
            store.execute(
                "UPDATE together_pairs SET last_error = ? WHERE pair_id = ?", (error, pair.pair_id)
            )


def try_send(store: Store, timeout: float = 5.0) -> SyncReport:
    """After writing something: one quick exchange, fine if the relay is out of reach."""
    try:
        return sync(store, timeout=timeout)
    except Misbehaved:
        raise
    except TarryError as exc:
        return SyncReport(unreachable=exc.message, queued=outbox.waiting(store))
