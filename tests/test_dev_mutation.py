"""`dev.py mutate --sample` names the functions to mutate as mutmut names its mutants: for
every guarded module, each name it can choose is that module's import name and one of its
functions (a name matching no mutant stops mutmut, and CI with it)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytest.importorskip("mutmut")
GUARDED = sorted(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["tarry"]["mutation"])


def _dev():
    spec = importlib.util.spec_from_file_location("tarry_dev", ROOT / "dev.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _functions(path: Path) -> set[str]:
    """mutmut's spelling of each top-level function ("x_name") and method ("xǁClassǁname")."""
    out = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            out.add(f"x_{node.name}")
        elif isinstance(node, ast.ClassDef):
            out |= {
                f"x\u01c1{node.name}\u01c1{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            }
    return out


@pytest.mark.parametrize("module", GUARDED)
def test_each_sampled_name_is_a_function_of_the_module(module: str) -> None:
    patterns = _dev().functions_of(module)
    assert patterns, f"mutmut makes no mutants of {module}"
    functions = _functions(ROOT / module)
    for pattern in patterns:
        dotted, _, function = pattern.removesuffix("__mutmut_*").rpartition(".")
        # a package by its own name: mutmut's names leave out "__init__"
        assert "__init__" not in dotted.split("."), pattern
        assert Path(importlib.import_module(dotted).__file__ or "") == ROOT / module, pattern
        assert function in functions, pattern
