"""Fuzz targets for the chat parsers: any input must give messages or a FormatError.

    python -m tests.mirror.formats.fuzz_formats telegram [--runs 20000]   # or signal, csv, ...
    python -m tests.mirror.formats.fuzz_formats all --runs 5000

With atheris installed (`pip install tarry[fuzz]`) it drives coverage-guided fuzzing of one
format (`--runs` inputs; "all" means telegram there). Without it, it mutates the synthetic
fixtures of tests/data (flip, insert, delete, splice, truncate) from a fixed seed, so a failure
can be replayed. Crashing inputs are written to the current folder as `crash-FORMAT-N.bin`.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
from pathlib import Path

from tarry.base.errors import FormatError
from tarry.mirror.formats import registry

DATA = Path(__file__).parents[2] / "data"
SEEDS = [name for name in registry.names() if name != "instagram"]
TOKENS = [b"{", b"}", b"[", b"]", b'"', b",", b":", b"\n", b"\xff", b"\x00", b"\\u00", b"0" * 30]


def one_input(fmt: str, data: bytes) -> None:
    """The target: parse `data` fully; only FormatError may escape."""
    try:
        for _ in registry.messages(fmt, io.BytesIO(data), name="fuzz"):
            pass
    except FormatError:
        pass


def seeds(fmt: str) -> list[bytes]:
    folder = DATA / fmt
    found = [p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()]
    return found or [b"SQLite format 3\x00"]


def mutate(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    at = rng.randrange(len(data) + 1)
    choice = rng.randrange(5)
    if choice == 0 and data:
        return data[:at] + bytes([rng.randrange(256)]) + data[at + 1 :]
    if choice == 1:
        return data[:at] + rng.choice(TOKENS) + data[at:]
    if choice == 2:
        return data[:at] + data[at + rng.randrange(1, 64) :]
    if choice == 3:
        other = rng.choice(pool)
        return data[:at] + other[rng.randrange(len(other) + 1) :]
    return data[:at]


def run(fmt: str, runs: int, seed: int) -> None:
    rng = random.Random(seed)
    pool = seeds(fmt)
    for number in range(runs):
        data = rng.choice(pool)
        for _ in range(rng.randrange(1, 8)):
            data = mutate(data, rng, pool)
        try:
            one_input(fmt, data)
        except Exception:
            Path(f"crash-{fmt}-{number}.bin").write_bytes(data)
            raise
    print(f"{fmt}: {runs} inputs, no uncaught exception", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("format", choices=[*SEEDS, "all"])
    parser.add_argument("--runs", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args, rest = parser.parse_known_args()
    try:
        import atheris  # type: ignore[import-not-found]
    except ImportError:
        for fmt in SEEDS if args.format == "all" else [args.format]:
            run(fmt, args.runs, args.seed)
        return
    fmt = "telegram" if args.format == "all" else args.format
    registry.get(fmt)  # load the parser before instrumenting what is loaded
    atheris.instrument_all()
    atheris.Setup([sys.argv[0], f"-runs={args.runs}", *rest], lambda data: one_input(fmt, data))
    atheris.Fuzz()


if __name__ == "__main__":
    main()
