#!/usr/bin/env python3
"""Set everything up, then run tarry or its checks. Needs only Python 3.11+.

python3 dev.py run [TARRY ARGS]   install into .venv, then run the app (default: `tarry serve`)
python3 dev.py test [PYTEST ARGS] install into .venv, then ruff, mypy and the whole test suite
python3 dev.py mutate [MUTANT...]  install, then mutation testing (mutmut) of the modules in
                                  pyproject's [tool.mutmut]; prints the score per module
python3 dev.py mutate --sample N  the mutants of N random functions of one random module, with
                                  only that module's tests (CI runs this; TARRY_MUTATION_SEED=S
                                  replays a sample)
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import tomllib
import venv
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
EXTRAS = "dev,fuzz,mutation"
DEFAULT_APP_ARGS = ["serve"]
LINTED = ["src", "tests", "bench", "fuzz", "dev.py"]


def sh(*args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None) -> int:
    process = subprocess.Popen([str(a) for a in args], cwd=cwd, env=env)
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:  # Ctrl+C reaches the child too: let it stop cleanly, no kill
            continue


def install() -> None:
    """Create .venv and install tarry with pinned dependencies; skipped when nothing changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py may be run by an older python3)
        sys.exit(f"tarry needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    stamp = VENV / ".tarry-installed"
    inputs = b"".join((ROOT / f).read_bytes() for f in ("pyproject.toml", "constraints.txt"))
    digest = hashlib.sha256(inputs + EXTRAS.encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [BIN / "python", "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    code = sh(*pip, "-c", "constraints.txt", "-e", f".[{EXTRAS}]")
    if code:
        sys.exit(f"Installing dependencies failed (exit {code}); see the messages above.")
    stamp.write_text(digest)


def run_app(args: list[str]) -> int:
    return sh(BIN / "tarry", *(args or DEFAULT_APP_ARGS))


def run_checks(pytest_args: list[str]) -> int:
    for name, cmd in (
        ("ruff", [BIN / "ruff", "check", *LINTED]),
        ("ruff format", [BIN / "ruff", "format", "--check", *LINTED]),
        ("mypy", [BIN / "mypy"]),
    ):
        print(f"== {name}", flush=True)
        if sh(*cmd):
            print(f"{name} failed.", file=sys.stderr)
            return 1
    print("== pytest", flush=True)
    return sh(BIN / "python", "-m", "pytest", *pytest_args)


# mutmut's exit codes per mutant (its status_by_exit_code): 1 and 3 mean a test failed.
KILLED, SURVIVED, NO_TESTS = {1, 3, -24}, {0}, {5, 33}


def mutation_scores(work: Path) -> dict[str, Counter[str]]:
    """Killed, survived, no tests and other (timeouts ...) per mutated module, from mutmut's
    results under `work`/mutants."""
    scores: dict[str, Counter[str]] = {}
    for meta in sorted((work / "mutants").rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        tally = Counter()
        for code in codes.values():
            if code is None:
                continue
            tally[
                "killed" if code in KILLED else "survived" if code in SURVIVED
                else "no tests" if code in NO_TESTS else "other"
            ] += 1  # fmt: skip
        if tally:
            scores[str(meta.relative_to(work / "mutants"))[: -len(".meta")]] = tally
    return scores


def print_scores(work: Path) -> None:
    print(f"{'module':48} {'killed':>7} {'survived':>8} {'no tests':>8} {'other':>5} {'score':>6}")
    for module, t in mutation_scores(work).items():
        tried = t["killed"] + t["survived"] + t["no tests"]  # a mutant no test reaches survives
        score = f"{100 * t['killed'] / tried:.0f}%" if tried else "-"
        counts = f"{t['killed']:7} {t['survived']:8} {t['no tests']:8} {t['other']:5}"
        print(f"{module:48} {counts} {score:>6}")
    survivors = sh(BIN / "mutmut", "results", cwd=work)
    if survivors:
        print(f"mutmut results failed (exit {survivors}).", file=sys.stderr)


# Run by the venv's Python, where mutmut is: the functions of a module that mutmut makes
# mutants of, by mutmut's own names ("tarry.store.migrations.x_apply": a package's __init__ is
# left out). A function it leaves alone (decorated, nothing to mutate) matches no mutant, and a
# sample of only such names stops mutmut ("nothing matches").
MUTATED = """
import io, sys
from pathlib import Path
from mutmut.__main__ import write_all_mutants_to_file
from mutmut.utils.format_utils import get_mutant_name
path = Path(sys.argv[1])
made = write_all_mutants_to_file(
    out=io.StringIO(), source=path.read_text(encoding="utf-8"), filename=path
)
names = {get_mutant_name(path, name).rsplit("__mutmut_", 1)[0] for name in made.mutant_names}
print("\\n".join(sorted(names)))
"""


def functions_of(module: str) -> list[str]:
    """Name patterns, one per function of `module` (a path under src/) that mutmut mutates."""
    found = subprocess.run(
        [BIN / "python", "-c", MUTATED, module],
        cwd=ROOT, capture_output=True, encoding="utf-8", check=True,
    ).stdout.split()  # fmt: skip
    return [f"{name}__mutmut_*" for name in found]


def run_mutation(args: list[str]) -> int:
    """The whole run in the tree (results kept in mutants/, so a rerun only retries what
    changed), or a sample in a scratch copy with one module and its tests."""
    jobs = str(os.cpu_count() or 2)
    # The corpus tests find ../shared beside the repository; mutmut runs them from mutants/
    # (or a scratch copy), where that path is not beside them: name it for them.
    shared = ROOT.parent / "shared"
    if shared.is_dir():
        os.environ.setdefault("TARRY_SHARED", str(shared))
    # The tests derive keys with Argon2id at a token cost that still depends on every parameter
    # (tests/cheap_kdf.py); at tarry's floor cost a store module's run takes days.
    env = {**os.environ, "TARRY_TEST_CHEAP_KDF": "1"}
    if args[:1] != ["--sample"]:
        code = sh(BIN / "mutmut", "run", "--max-children", jobs, *args, env=env)
        print_scores(ROOT)
        return code
    count = int(args[1]) if len(args) > 1 else 3
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    guarded = config["tool"]["tarry"]["mutation"]
    seed = int(os.environ.get("TARRY_MUTATION_SEED") or random.SystemRandom().randrange(2**32))
    rng = random.Random(seed)
    module = rng.choice(sorted(guarded))
    functions = functions_of(module)
    chosen = rng.sample(functions, min(count, len(functions)))
    print(f"== mutation sample (TARRY_MUTATION_SEED={seed}): {module}", flush=True)
    print("\n".join(f"   {name}" for name in chosen), flush=True)
    with tempfile.TemporaryDirectory(prefix="tarry-mutation-") as folder:
        work = Path(folder)
        for part in ("src", "tests", "bench"):
            shutil.copytree(ROOT / part, work / part, ignore=shutil.ignore_patterns("__pycache__"))
        text = (ROOT / "pyproject.toml").read_text()
        head, _, tail = text.partition("[tool.mutmut]")
        rest = tail[tail.index("\n[", 1) :] if "\n[" in tail[1:] else ""
        narrowed = {
            "source_paths": ["src"],
            "also_copy": ["bench"],
            "only_mutate": [module],
            "pytest_add_cli_args_test_selection": guarded[module],
            "pytest_add_cli_args": config["tool"]["mutmut"]["pytest_add_cli_args"],
        }
        lines = "".join(f"{key} = {json.dumps(value)}\n" for key, value in narrowed.items())
        (work / "pyproject.toml").write_text(f"{head}[tool.mutmut]\n{lines}{rest}")
        code = sh(BIN / "mutmut", "run", "--max-children", jobs, *chosen, cwd=work, env=env)
        print_scores(work)
    return code


def main() -> int:
    command, *rest = sys.argv[1:] or ["help"]
    if command not in ("run", "test", "mutate"):
        print(__doc__)
        return 0 if command == "help" else 2
    install()
    if command == "mutate":
        return run_mutation(rest)
    return run_app(rest) if command == "run" else run_checks(rest)


if __name__ == "__main__":
    sys.exit(main())
