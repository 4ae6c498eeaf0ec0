"""Relay throughput: two relay processes, one PostgreSQL, 10,000 pairs, all on loopback.

python bench/bench_relay.py [--pairs 10000] [--seconds 30] [--senders 4]
python bench/bench_relay.py --compare OTHER/src [--rounds 3] [--seconds 15] [--senders 2]

Starts a throwaway PostgreSQL cluster (Debian's binaries), migrates, registers the pairs straight
into the database (registration is not what is measured), starts two `tarry relay serve`
processes, then for --seconds: sender processes post signed 512-byte messages to relay 1 for
random pairs; 100 watched pairs are each long-polled on relay 2 by their own device, which
acknowledges what it gets. Prints sustained messages/s, p50/p95 delivery latency (post started ->
received on the other relay), and database bytes per pair-month.

--compare runs the relays alternately from this tree and from OTHER/src (another checkout's
source, e.g. `git archive COMMIT src | tar -x -C /tmp/before`), each round on a fresh database of
the same cluster, in the order A B B A ..., and prints the ratio of the medians. Everything runs
at nice 10: the machine is shared. Besides messages/s it prints the CPU time relay 1 and
PostgreSQL spend per message (from /proc), which a busy machine disturbs less.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from nacl.signing import SigningKey

from tarry.relay import protocol

BODY = 512


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def as_user(args: list[str]) -> list[str]:
    return (
        ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *args]
        if os.geteuid() == 0
        else args
    )


def start_postgres(root: Path) -> tuple[str, Path]:
    bin_dir = Path(sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))[-1]).parent
    if os.geteuid() == 0:
        shutil.chown(root, "nobody", "nogroup")
    data, port = root / "data", free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    subprocess.run(
        as_user([str(bin_dir / "initdb"), "-D", str(data), "-U", "tarry", "--auth=trust"]),
        check=True,
        capture_output=True,
        env=env,
        cwd=root,
    )
    options = f"-p {port} -h 127.0.0.1 -k '' -c max_connections=200"
    subprocess.run(
        as_user(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(root / "log"),
                "-o",
                options,
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
        env=env,
        cwd=root,
    )
    return f"postgresql://tarry@127.0.0.1:{port}/postgres", bin_dir


def headers(key: SigningKey, method: str, path: str, body: bytes) -> dict[str, str]:
    ts, nonce = int(time.time()), protocol.b64e(secrets.token_bytes(24))
    sig = key.sign(protocol.signing_text(method, path, ts, nonce, body)).signature
    return {
        protocol.H_DEVICE: protocol.b64e(bytes(key.verify_key)),
        protocol.H_TIME: str(ts),
        protocol.H_NONCE: nonce,
        protocol.H_SIGNATURE: protocol.b64e(sig),
    }


def make_pairs(count: int) -> list[tuple[bytes, bytes, bytes]]:
    """(pair id, sender seed, receiver seed); the sender is the low key (slot 0)."""
    made = []
    for _ in range(count):
        k1, k2 = SigningKey.generate(), SigningKey.generate()
        low, high = sorted((k1, k2), key=lambda k: bytes(k.verify_key))
        pair_id = protocol.pair_id_of(
            bytes(low.verify_key), bytes(high.verify_key), secrets.token_bytes(8)
        )
        made.append((pair_id, bytes(low), bytes(high)))
    return made


def register(dsn: str, made: list[tuple[bytes, bytes, bytes]]) -> None:
    import psycopg

    rows = [
        (pid, bytes(SigningKey(lo).verify_key), bytes(SigningKey(hi).verify_key), time.time())
        for pid, lo, hi in made
    ]
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO pairs (pair_id, low, high, joined_low, joined_high, created_at)"
            " VALUES (%s, %s, %s, 1, 1, %s)",
            rows,
        )


def sender(
    port: int, made: list[tuple[bytes, bytes, bytes]], until: float, out: multiprocessing.Queue
) -> None:  # type: ignore[type-arg]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    keys = [SigningKey(lo) for _, lo, _ in made]
    seqs = [0] * len(made)
    sent = 0
    while time.time() < until:
        i = random.randrange(len(made))
        seqs[i] += 1
        body = time.time_ns().to_bytes(8, "big") + os.urandom(BODY - 8)
        path = f"/v1/pairs/{made[i][0].hex()}/messages/{seqs[i]}"
        conn.request("PUT", path, body=body, headers=headers(keys[i], "PUT", path, body))
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"post failed: {response.status}")
        sent += 1
    out.put(sent)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--senders", type=int, default=4)
    parser.add_argument("--watched", type=int, default=100, help="pairs whose latency is measured")
    parser.add_argument("--compare", type=Path, help="another tree's src/ to run the relays from")
    parser.add_argument("--rounds", type=int, default=3, help="with --compare: runs of each")
    args = parser.parse_args()
    os.nice(10)
    root = Path(tempfile.mkdtemp(prefix="tarry-bench-pg-"))
    dsn, bin_dir = start_postgres(root)
    args.root = root
    try:
        if args.compare:
            compare(dsn, args)
        else:
            run(dsn, args)
    finally:
        subprocess.run(
            as_user([str(bin_dir / "pg_ctl"), "-D", str(root / "data"), "-m", "fast", "stop"]),
            capture_output=True,
            cwd=root,
        )
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Figures:
    sent: int
    elapsed: float
    latencies: list[float]
    relay_cpu: float = 0.0  # CPU seconds relay 1 (the one posted to) used while senders ran
    db_cpu: float = 0.0  # and PostgreSQL's processes

    @property
    def rate(self) -> float:
        return self.sent / self.elapsed

    def cpu_ms(self, seconds: float) -> float:
        """CPU milliseconds per message posted: steadier than messages/s on a shared machine."""
        return 1000 * seconds / max(self.sent, 1)

    def latency(self, q: float) -> float:
        lat = sorted(self.latencies)
        return lat[min(len(lat) - 1, int(q * len(lat)))] if lat else float("nan")


def fresh_database(dsn: str) -> str:
    import psycopg

    name = "bench_" + secrets.token_hex(4)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return dsn.rsplit("/", 1)[0] + "/" + name


def relay_env(src: Path | None) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(src)} if src else dict(os.environ)


def start_relays(dsn: str, src: Path | None) -> tuple[list[subprocess.Popen[bytes]], list[int]]:
    env = relay_env(src)
    tarry = [sys.executable, "-m", "tarry", "relay"]
    subprocess.run([*tarry, "migrate", "--db", dsn], env=env, check=True, capture_output=True)
    ports = [free_port(), free_port()]
    relays = [
        subprocess.Popen(
            [*tarry, "serve", "--db", dsn, "--port", str(port), "--rate", "1000000"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for port in ports
    ]
    for port in ports:
        wait_for(port)
    return relays, ports


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"relay on port {port} did not start")


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes (all their threads), from /proc."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone: its time is lost to the count
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def database_pids(root: Path) -> list[int]:
    """The postmaster of the bench's cluster and its children (backends, writers)."""
    postmaster = int((root / "data" / "postmaster.pid").read_text().split()[0])
    found = [postmaster]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                found.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found


def load(
    ports: list[int],
    made: list[tuple[bytes, bytes, bytes]],
    args: argparse.Namespace,
    relay_pids: list[int],
) -> Figures:
    """Senders post to relay 1 for --seconds; watched pairs long-poll relay 2. CPU is counted
    for relay 1 (the per-message path) and for the whole PostgreSQL cluster."""
    until = time.time() + args.seconds
    # Latency is measured on WATCHED pairs, each long-polled by its own thread as a device
    # would; the load goes to all pairs alike (the others' messages wait for their devices).
    latencies: list[float] = []
    counts = [0]
    threads = [
        threading.Thread(
            target=poll_one, args=(ports[1], pair, until, latencies, counts), daemon=True
        )
        for pair in made[: args.watched]
    ]
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    procs = [
        multiprocessing.Process(
            target=sender, args=(ports[0], made[i :: args.senders], until, queue)
        )
        for i in range(args.senders)
    ]
    for thread in threads:
        thread.start()
    db_pids = database_pids(args.root)
    cpu_before = cpu_seconds(relay_pids[:1]), cpu_seconds(db_pids)
    t0 = time.perf_counter()
    for proc in procs:
        proc.start()
    sent = sum(queue.get() for _ in procs)
    elapsed = time.perf_counter() - t0
    relay_cpu = cpu_seconds(relay_pids[:1]) - cpu_before[0]
    db_cpu = cpu_seconds(db_pids) - cpu_before[1]
    for proc in procs:
        proc.join()
    for thread in threads:
        thread.join(10)
    return Figures(sent, elapsed, latencies, relay_cpu, db_cpu)


def stop(relays: list[subprocess.Popen[bytes]]) -> None:
    for process in relays:
        process.terminate()
    for process in relays:
        process.wait(10)


def compare(dsn: str, args: argparse.Namespace) -> None:
    """Rounds of this tree (A) and args.compare (B), interleaved A B B A A B ..."""
    made = make_pairs(args.pairs)
    runs: dict[str, list[Figures]] = {"A": [], "B": []}
    order = [("A", "B") if i % 2 == 0 else ("B", "A") for i in range(args.rounds)]
    for variant in [v for pair in order for v in pair]:
        db = fresh_database(dsn)
        relays, ports = start_relays(db, args.compare if variant == "B" else None)
        try:
            register(db, made)
            figures = load(ports, made, args, [r.pid for r in relays])
        finally:
            stop(relays)
        runs[variant].append(figures)
        print(
            f"{variant}: {figures.rate:.0f} messages/s, latency p50 {figures.latency(0.5):.1f} ms"
            f" p95 {figures.latency(0.95):.1f} ms ({len(figures.latencies)} delivered); CPU per"
            f" message: relay 1 {figures.cpu_ms(figures.relay_cpu):.2f} ms, PostgreSQL"
            f" {figures.cpu_ms(figures.db_cpu):.2f} ms",
            flush=True,
        )
    a, b = (statistics.median(f.rate for f in runs[v]) for v in ("A", "B"))
    print(f"median messages/s: A (this tree) {a:.0f}, B ({args.compare}) {b:.0f}; A/B {a / b:.2f}")
    # A round is an A and a B run back to back: their ratio drifts less with the machine's load.
    rounds = list(zip(runs["A"], runs["B"], strict=True))
    print("A/B messages/s per round: " + ", ".join(f"{x.rate / y.rate:.2f}" for x, y in rounds))
    for name, part in (("relay 1", "relay_cpu"), ("PostgreSQL", "db_cpu")):
        cpu = {v: statistics.median(f.cpu_ms(getattr(f, part)) for f in runs[v]) for v in "AB"}
        print(
            f"median CPU per message, {name}: A {cpu['A']:.2f} ms, B {cpu['B']:.2f} ms;"
            f" B/A {cpu['B'] / cpu['A']:.2f}"
        )
    # Few messages reach the watched pairs in one round: latency is pooled over the rounds.
    pooled = {v: Figures(0, 1, [x for f in runs[v] for x in f.latencies]) for v in ("A", "B")}
    for q in (0.5, 0.95):
        la, lb = (pooled[v].latency(q) for v in ("A", "B"))
        name = f"p{int(q * 100)}"
        print(f"latency {name}, all rounds: A {la:.1f} ms, B {lb:.1f} ms; B/A {lb / la:.2f}")


def run(dsn: str, args: argparse.Namespace) -> None:
    from tarry.relay.postgres import PostgresStorage

    storage = PostgresStorage(dsn)
    storage.migrate()
    empty = storage.size_bytes()
    started = time.perf_counter()
    made = make_pairs(args.pairs)
    register(dsn, made)
    with_pairs = storage.size_bytes()
    print(f"{args.pairs} pairs registered in {time.perf_counter() - started:.1f} s", flush=True)
    relays, ports = start_relays(dsn, None)
    try:
        figures = load(ports, made, args, [r.pid for r in relays])
    finally:
        stop(relays)
    per_message = measure_message_bytes(storage, dsn, made)
    print(
        f"posted {figures.sent} messages in {figures.elapsed:.1f} s:"
        f" {figures.rate:.0f} messages/s sustained"
    )
    print(
        f"delivered {len(figures.latencies)} to the {args.watched} watched pairs; latency p50 "
        f"{figures.latency(0.5):.1f} ms, p95 {figures.latency(0.95):.1f} ms"
    )
    print(
        f"CPU per message: relay 1 {figures.cpu_ms(figures.relay_cpu):.2f} ms,"
        f" PostgreSQL {figures.cpu_ms(figures.db_cpu):.2f} ms"
    )
    pair_bytes = (with_pairs - empty) / args.pairs
    print(
        f"database: {pair_bytes:.0f} bytes per pair at rest,"
        f" {per_message:.0f} bytes per message held"
    )
    for monthly in (300, 3000):
        print(
            f"bytes per pair-month at {monthly} messages/month: {pair_bytes:.0f} if acknowledged"
            f" promptly, {pair_bytes + monthly * per_message:.0f} if none is acknowledged"
            " for 30 days"
        )
    storage.close()


def poll_one(
    port: int,
    pair: tuple[bytes, bytes, bytes],
    until: float,
    latencies: list[float],
    counts: list[int],
) -> None:
    """One device long-polling its pair on the other relay, acknowledging what it gets."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    pid, key, after = pair[0], SigningKey(pair[2]), 0
    while time.time() < until + 3:
        body = json.dumps({"pairs": {pid.hex(): after}, "wait": 2}).encode()
        conn.request(
            "POST", "/v1/inbox", body=body, headers=headers(key, "POST", "/v1/inbox", body)
        )
        got = json.loads(conn.getresponse().read())["pairs"][pid.hex()]
        now = time.time_ns()
        for m in got["messages"]:
            latencies.append((now - int.from_bytes(protocol.b64d(m["body"])[:8], "big")) / 1e6)
        if got["messages"]:
            counts[0] += len(got["messages"])
            after = got["messages"][-1]["seq"]
            ack = json.dumps({"upto": after}).encode()
            path = f"/v1/pairs/{pid.hex()}/ack"
            conn.request("POST", path, body=ack, headers=headers(key, "POST", path, ack))
            conn.getresponse().read()


def measure_message_bytes(
    storage: object, dsn: str, made: list[tuple[bytes, bytes, bytes]]
) -> float:
    """Bytes one held (unacknowledged) message costs: store 20,000 in the other direction."""
    import psycopg

    before = storage.size_bytes()  # type: ignore[attr-defined]
    rows = [
        (pid, 1, seq, os.urandom(BODY + 48), time.time())
        for pid, _, _ in made[:2000]
        for seq in range(1, 11)
    ]
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO messages (pair_id, slot, seq, body, received_at)"
            " VALUES (%s, %s, %s, %s, %s)",
            rows,
        )
    return (storage.size_bytes() - before) / len(rows)  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
