"""Coverage-guided fuzzing of the WhatsApp parser: any input gives messages or a FormatError.

    .venv/bin/python fuzz/fuzz_whatsapp.py -atheris_runs=200000
    .venv/bin/python fuzz/fuzz_whatsapp.py -max_total_time=600          # ten minutes

Needs atheris (`pip install -e '.[fuzz]'`). The synthetic fixtures of tests/data/whatsapp seed the
corpus (read only; new inputs go to a scratch folder under /tmp); libFuzzer writes a crash
as crash-<hash>, replayed by `python fuzz/fuzz_whatsapp.py crash-<hash>`. The quick version
of the same property runs in the test suite (tests/mirror/formats/test_whatsapp_props.py).
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from tarry.base.errors import FormatError
    from tarry.mirror.formats import KINDS, whatsapp

SEEDS = Path(__file__).resolve().parents[1] / "tests" / "data" / "whatsapp"


def one_input(data: bytes) -> None:
    try:
        for message in whatsapp.parse(io.BytesIO(data), name="fuzz", day_first=True):
            if message.kind not in KINDS or len(message.ts) != 19:
                raise AssertionError(message)
    except FormatError:
        pass


def main() -> None:
    args = list(sys.argv)
    if not any(not a.startswith("-") for a in args[1:]):
        # libFuzzer writes new inputs into the first folder: a scratch one, never the fixtures.
        scratch = Path(tempfile.mkdtemp(prefix="fuzz-whatsapp-"))
        args += [str(scratch), str(SEEDS)]
    atheris.Setup(args, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
