"""The coverage-guided fuzzers of fuzz/ run briefly in every suite run: every parser target of
tests/trust/fuzzing.py in one process (the first byte picks the target; all their seeds are
replayed first), and the WhatsApp property. A crash (any exception but the target's own typed
error) fails the test with libFuzzer's report; the input is in the test's tmp_path. Skipped
where atheris is not installed (dev.py installs it, so CI runs it). The long runs are in
docs/testing.md.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris")

ROOT = Path(__file__).resolve().parents[2]
SECONDS = {"fuzz_parsers.py": 10, "fuzz_whatsapp.py": 4}

pytestmark = pytest.mark.slow


def test_the_fuzzers_run_without_a_crash(tmp_path: Path) -> None:
    running = {
        script: subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "fuzz" / script),
                *(["any"] if script == "fuzz_parsers.py" else []),
                f"-max_total_time={seconds}",
            ],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for script, seconds in SECONDS.items()
    }
    for script, process in running.items():
        try:
            output, _ = process.communicate(timeout=SECONDS[script] + 60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise AssertionError(f"{script} ran past its time") from None
        assert process.returncode == 0, f"{script}:\n{output[-4000:]}"
        done = re.search(r"Done (\d+) runs", output)
        assert done and int(done.group(1)) > 100, f"{script} barely ran:\n{output[-2000:]}"
    assert not list(tmp_path.glob("crash-*"))
