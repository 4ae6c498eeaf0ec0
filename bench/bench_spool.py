"""The cost of sealing uploads: a sealed spool (tarry.base.spool) against a plain file, written in
the pieces an upload arrives in and read back through the same buffered reader an import uses.

    .venv/bin/python bench/bench_spool.py --mib 256 --rounds 3

Both ways write to the same folder and read the file back whole in 64 KiB reads; the ratio is
spool / plain in the same run.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from tarry.base.spool import Spool

PIECE = 16 * 1024  # about what a multipart parser hands over at a time


def plain(path: Path, data: bytes) -> Callable[[], BinaryIO]:
    with path.open("wb") as out:
        for start in range(0, len(data), PIECE):
            out.write(data[start : start + PIECE])
    return lambda: io.BufferedReader(io.FileIO(path), 1 << 16)


def sealed(path: Path, data: bytes) -> Callable[[], BinaryIO]:
    spool = Spool(path)
    for start in range(0, len(data), PIECE):
        spool.write(data[start : start + PIECE])
    spool.close()
    return spool.open


def timed(way: Callable[[Path, bytes], Callable[[], BinaryIO]], folder: Path, data: bytes):
    path = folder / f"{way.__name__}.bin"
    started = time.perf_counter()
    opener = way(path, data)
    written = time.perf_counter() - started
    started = time.perf_counter()
    with opener() as fp:
        while fp.read(1 << 16):
            pass
    read = time.perf_counter() - started
    os.unlink(path)
    return written, read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    data = os.urandom(args.mib * 2**20)
    runs: dict[str, list[tuple[float, float]]] = {"plain": [], "sealed": []}
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        for _ in range(args.rounds):
            for way in (plain, sealed):
                runs[way.__name__].append(timed(way, Path(folder), data))
    mib = args.mib
    medians = {
        k: tuple(statistics.median(r[i] for r in v) for i in (0, 1)) for k, v in runs.items()
    }
    for name, (written, read) in medians.items():
        print(f"  {name:6s} write {mib / written:7.0f} MiB/s  read {mib / read:7.0f} MiB/s")
    (pw, pr), (sw, sr) = medians["plain"], medians["sealed"]
    print(f"  sealed / plain: write x{sw / pw:.2f}, read x{sr / pr:.2f} (time)")


if __name__ == "__main__":
    main()
