"""Scenario 6: hostile files for every importer are refused or safely parsed.

Each runs `tarry import ...` in its own process inside a sandbox ($TMPDIR, $HOME and the working
directory private to the test): under 10 s and 500 MB peak RSS, exit 2 with a clear error (or 0
where the file is a valid export after all), nothing written outside the sandbox, the input
untouched, and on refusal the store byte-identical.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tarry.declare import people
from tarry.store import Store
from tests.trust.conftest import Env, digest, fingerprint
from tests.trust.hostile import CASES, ESCAPE, KNOWN_FAILURES, Case
from tests.trust.measure import measured

SECONDS, MEGABYTES = 10.0, 500


def _run(env: Env, args: list[str]) -> tuple[int, float, float, str]:
    """Exit code, wall seconds, peak RSS in MB, stderr of `tarry ARGS` in the sandbox."""
    done = measured(env, args, SECONDS + 5)
    return done.code, done.seconds, done.megabytes, done.stderr


def _escaped(env: Env) -> list[str]:
    places = [env.root.parent, Path("/tmp"), Path.cwd()]
    return [str(p) for place in places for p in place.glob(f"{ESCAPE}*")] + [
        str(p) for p in env.root.rglob(f"{ESCAPE}*")
    ]


@pytest.fixture
def sandbox(env: Env) -> Env:
    (env.root / "work").mkdir()
    with Store.open(env.home) as store:
        people.add(store, "Robin", note="already here")
    return env


def _param(case: Case) -> object:
    known = KNOWN_FAILURES.get(case.id)
    marks = [pytest.mark.xfail(reason=known, strict=False)] if known else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_hostile_file(sandbox: Env, case: Case) -> None:
    hostile = sandbox.root / "input" / f"hostile{case.suffix}"
    hostile.parent.mkdir()
    case.build(hostile)
    try:
        _check(sandbox, case, hostile)
    finally:
        hostile.unlink()  # some inputs are hundreds of MB: never leave them in the tmp dirs


def _check(sandbox: Env, case: Case, hostile: Path) -> None:
    before, source = fingerprint(sandbox.home), digest(hostile)
    code, seconds, megabytes, stderr = _run(
        sandbox, ["import", case.args[0], str(hostile), *case.args[1:]]
    )
    assert "Traceback" not in stderr, stderr[-3000:]
    assert code in (0, 2), f"exit {code}: {stderr[-2000:]}"
    assert seconds < SECONDS, f"{seconds:.1f} s"
    assert megabytes < MEGABYTES, f"{megabytes:.0f} MB"
    assert digest(hostile) == source  # the input is only read
    assert _escaped(sandbox) == []
    assert list(sandbox.tmpdir.iterdir()) == [] and list((sandbox.root / "work").iterdir()) == []
    if code == 2:
        assert "error:" in stderr
        assert fingerprint(sandbox.home) == before
