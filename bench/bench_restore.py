"""`tarry import-backup` with and without the value checks (tarry.archive.checks), same run.

    .venv/bin/python bench/bench_restore.py --messages 200000 --rounds 2

Exports a store holding a CSV chat of --messages messages once, then restores it into fresh
stores, alternating checked and unchecked restores; prints the medians and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.trust.conftest import write_chat

from tarry.archive import document as archive
from tarry.mirror.chats import import_chat
from tarry.store import Store


def restore(document: Path, home: Path, checked: bool) -> float:
    keep = archive._check_values
    if not checked:
        archive._check_values = lambda *args: None
    try:
        started = time.perf_counter()
        with Store.open(home) as store:
            archive.import_backup(store, document)
        return time.perf_counter() - started
    finally:
        archive._check_values = keep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with Store.open(root / "source") as store:
            import_chat(store, write_chat(root / "chat.csv", args.messages), fmt="csv", me="Robin")
            archive.export_file(store, root / "export.json")
        runs: dict[bool, list[float]] = {True: [], False: []}
        for number in range(args.rounds):
            for checked in (True, False):
                home = root / f"restored-{number}-{checked}"
                runs[checked].append(restore(root / "export.json", home, checked))
    checked, unchecked = (statistics.median(runs[k]) for k in (True, False))
    print(f"restore of {args.messages} messages (medians of {args.rounds}):")
    print(f"  checked {checked:.2f} s, unchecked {unchecked:.2f} s: x{checked / unchecked:.2f}")


if __name__ == "__main__":
    main()
