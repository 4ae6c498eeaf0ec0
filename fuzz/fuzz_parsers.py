"""Coverage-guided fuzzing of every parser of untrusted bytes (the trust suite's targets).

    .venv/bin/python fuzz/fuzz_parsers.py chat-telegram -max_total_time=600
    .venv/bin/python fuzz/fuzz_parsers.py all -atheris_runs=20000      # each target in turn
    .venv/bin/python fuzz/fuzz_parsers.py any -max_total_time=20      # all targets, one process
    .venv/bin/python fuzz/fuzz_parsers.py list                          # the target names

Needs atheris (`pip install 'tarry[fuzz]'`; dev.py installs it). Seeds come from tests/data (read
only; libFuzzer writes new inputs to a scratch folder under /tmp). Each target may refuse only
with its own typed error (tests/trust/fuzzing.py's REFUSALS); anything else is a crash, saved by
libFuzzer as crash-<hash> and replayed with `python fuzz/fuzz_parsers.py NAME crash-<hash>`.
`any` fuzzes every target in one process (the first byte picks the target), which is how the
suite runs them briefly (tests/trust/test_atheris.py); the same targets also run under
Hypothesis in tests/trust/test_fuzz.py (TARRY_FUZZ_EXAMPLES=N for a longer run).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

with atheris.instrument_imports(include=["tarry"]):  # tarry's code only: starts in seconds
    from tests.trust.fuzzing import REFUSALS, TARGETS, seeds

NAMES = sorted(TARGETS)


def check(name: str, data: bytes) -> None:
    """One input: read, or refused with this target's own typed error (else a crash)."""
    try:
        TARGETS[name](data)
    except REFUSALS[name]:
        pass


def fuzz(name: str, args: list[str]) -> None:
    if name == "any":
        inputs = [(bytes([i]) + s) for i, each in enumerate(NAMES) for s in seeds(each)]

        def one_input(data: bytes) -> None:
            if data:
                check(NAMES[data[0] % len(NAMES)], data[1:])

    else:
        inputs = seeds(name)

        def one_input(data: bytes) -> None:
            check(name, data)

    corpus = Path(tempfile.mkdtemp(prefix=f"tarry-fuzz-{name}-"))
    for index, seed in enumerate(inputs):
        (corpus / f"seed-{index}").write_bytes(seed)
    replaying = any(not a.startswith("-") for a in args)
    atheris.Setup([sys.argv[0], *args, *([] if replaying else [str(corpus)])], one_input)
    atheris.Fuzz()


def main() -> None:
    name, *args = sys.argv[1:] or ["list"]
    if name == "list":
        print("\n".join(sorted(TARGETS)))
    elif name == "all":
        for each in NAMES:  # one process per target: libFuzzer runs once per process
            subprocess.run([sys.executable, __file__, each, *args], check=False)
    else:
        fuzz(name, args)


if __name__ == "__main__":
    main()
