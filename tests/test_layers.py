"""The house rules, read from the source: imports run one way, with no circles, and the library
never imports a shell (the CLI, the web app) or speaks its words."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import tarry

SRC = Path(tarry.__file__).parent
SHELLS = ("tarry.cli", "tarry.web")
ENTRY = "tarry.__main__"  # `python -m tarry` starts the CLI


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in SRC.rglob("*.py")}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(name: str, tree: ast.AST) -> Iterator[str]:
    """Every module `name` imports, at the top or late inside a function; not for types only."""
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            node.body = []  # imports for the type checker only never run
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, *([node.module] if node.module else [])])
            for alias in node.names:  # `from pkg import module` imports the module itself
                whole = f"{base}.{alias.name}"
                yield whole if whole in MODULES else base


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        found = set()
        for target in _imported(name, ast.parse(path.read_text(encoding="utf-8"))):
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
        edges[name] = found
    return edges


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_circles() -> None:
    assert circles(graph()) == []


def test_the_circle_finder_sees_a_late_import() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(edges) == [["a", "b", "c"]]
    late = "def f():\n    from tarry.review import week\n"
    assert "tarry.review.week" in set(_imported("tarry.base.clock", ast.parse(late)))


def test_the_library_never_imports_a_shell() -> None:
    for name, targets in graph().items():
        if not name.startswith(SHELLS) and name != ENTRY:
            assert not {t for t in targets if t.startswith(SHELLS)}, name


FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]+")
COMMAND = re.compile(r"`tarry [a-z]|\|\s*tarry [a-z]|\btarry [a-z-]+ [^\s]*--")
SCHEMA = "tarry.store.migrations."  # SQL text, frozen once a migration has run
# Programs of their own (`python -m ...`, for developers): their options are their own shell.
PROGRAMS = ("tarry.mirror.model.train", "tarry.mirror.model.distill", "tarry.mirror.model.turns")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
        if isinstance(node, kinds) and node.body and isinstance(node.body[0], ast.Expr):
            found.add(id(node.body[0].value))
    return found


def shell_words(name: str, source: str) -> list[str]:
    """Strings in a module's code (docstrings aside) that name a CLI flag or command."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docs
        and (FLAG.search(node.value) or COMMAND.search(node.value))
    ]


def test_the_library_never_names_a_flag_or_a_command() -> None:
    found = {
        name: words
        for name, path in MODULES.items()
        if not name.startswith((*SHELLS, SCHEMA))
        and name not in PROGRAMS
        and (words := shell_words(name, path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_word_finder_sees_flags_and_commands() -> None:
    source = 'X = "Say it with --for."\nY = "See `tarry people list`."\nZ = "a tarry backup"\n'
    assert shell_words("m", source) == ["Say it with --for.", "See `tarry people list`."]


def test_every_step_has_words_in_both_shells() -> None:
    from tarry.base.errors import Step
    from tarry.cli.errors import STEPS as CLI_STEPS
    from tarry.web.words import STEPS as WEB_STEPS

    assert set(CLI_STEPS) == set(Step) == set(WEB_STEPS)


def test_only_the_shells_look_up_where_the_home_is() -> None:
    lookups = {
        name
        for name, path in MODULES.items()
        if "Home.resolve(" in path.read_text(encoding="utf-8")
        and not name.startswith(SHELLS)
        and name != "tarry.base.home"
    }
    assert lookups == set()
