"""Coverage-guided fuzzing of every parser of untrusted bytes (the trust suite's targets).

    .venv/bin/python fuzz/fuzz_parsers.py chat-telegram -max_total_time=600
    .venv/bin/python fuzz/fuzz_parsers.py all -atheris_runs=20000      # each target in turn
    .venv/bin/python fuzz/fuzz_parsers.py list                          # the target names

Needs atheris (`pip install 'tarry[fuzz]'`). Seeds come from tests/data (read only; libFuzzer
writes new inputs to a scratch folder under /tmp). Only tarry's typed errors may escape; anything
else is a crash, saved by libFuzzer as crash-<hash> and replayed with
`python fuzz/fuzz_parsers.py NAME crash-<hash>`. The same targets run for a fixed budget in CI:
tests/trust/test_fuzz.py (TARRY_FUZZ_EXAMPLES=N for a longer Hypothesis run).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

with atheris.instrument_imports():
    from tests.trust.fuzzing import TARGETS, seeds

    from tarry.base.errors import TarryError


def fuzz(name: str, args: list[str]) -> None:
    target = TARGETS[name]

    def one_input(data: bytes) -> None:
        with contextlib.suppress(TarryError):
            target(data)

    corpus = Path(tempfile.mkdtemp(prefix=f"tarry-fuzz-{name}-"))
    for index, seed in enumerate(seeds(name)):
        (corpus / f"seed-{index}").write_bytes(seed)
    replaying = any(not a.startswith("-") for a in args)
    atheris.Setup([sys.argv[0], *args, *([] if replaying else [str(corpus)])], one_input)
    atheris.Fuzz()


def main() -> None:
    name, *args = sys.argv[1:] or ["list"]
    if name == "list":
        print("\n".join(sorted(TARGETS)))
    elif name == "all":
        for each in sorted(TARGETS):  # one process per target: libFuzzer runs once per process
            subprocess.run([sys.executable, __file__, each, *args], check=False)
    else:
        fuzz(name, args)


if __name__ == "__main__":
    main()
