"""Validation of the content files: keys, types and allowed values, with errors naming the entry."""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from tarry.base.errors import FormatError

CONTENT = Path(__file__).parent / "content"
CONTEXTS: tuple[str, ...] = ("partner", "date", "friend", "family", "any")
LEVELS: tuple[int, ...] = (1, 2, 3, 4)
ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
FIX_HINT = "Fix the entry in the content file; docs/prompts.md describes every key."


T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Loader(Protocol[T_co]):
    """A content loader: called with a content folder, or none for the shipped content."""

    def __call__(self, content: Path = ...) -> T_co: ...


def reloading(load: Callable[[Path], T]) -> Loader[T]:
    """Cache a loader per content folder; load again when a file in the folder changes."""
    cache: dict[Path, tuple[tuple[Any, ...], T]] = {}

    @functools.wraps(load)
    def cached(content: Path = CONTENT) -> T:
        stamp = _stamp(content)
        hit = cache.get(content)
        if hit is None or hit[0] != stamp:
            hit = cache[content] = (stamp, load(content))
        return hit[1]

    return cached


def _stamp(content: Path) -> tuple[Any, ...]:
    files = sorted(content.rglob("*.toml"))
    return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)


@dataclass(frozen=True)
class Field:
    """One key of an entry: its type, whether it must be there, and the values it may take."""

    kind: type | tuple[type, ...]
    required: bool = True
    choices: tuple[Any, ...] | None = None
    items: type = str  # the type of a list's items: str, or dict for nested tables


def read(path: Path) -> dict[str, Any]:
    """Parse one TOML content file, naming the file and line on a syntax error."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's tomllib gives the place only in its message: "... (at line 4, column 9)"
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = int(found.group(1)) if found else None
        reason = str(exc).split(" (at line")[0]
        raise FormatError(
            f"not valid TOML: {reason}", path=str(path), line=line, hint=FIX_HINT
        ) from exc
    except UnicodeDecodeError as exc:
        raise FormatError("not UTF-8 text", path=str(path), byte=exc.start) from exc


def entries(data: Mapping[str, Any], table: str, path: Path) -> list[dict[str, Any]]:
    """The array of tables `[[table]]` of a file; it must exist and hold at least one entry."""
    found = data.get(table)
    if not isinstance(found, list) or not found or not all(isinstance(e, dict) for e in found):
        raise FormatError(
            f"expected one or more [[{table}]] entries", path=str(path), hint=FIX_HINT
        )
    return found


def check(entry: Mapping[str, Any], spec: Mapping[str, Field], path: Path, label: str) -> None:
    """Check an entry against its spec: no unknown keys, required keys present, right types."""
    where = _where(entry, path, label)
    unknown = sorted(set(entry) - set(spec))
    if unknown:
        raise FormatError(
            f"{where}: unknown key {unknown[0]!r}; expected one of: {', '.join(spec)}",
            path=str(path),
            line=_line_of(path, entry),
            hint=FIX_HINT,
        )
    for name, field in spec.items():
        if name in entry:
            _check_value(entry[name], name, field, path, entry, where)
        elif field.required:
            raise FormatError(
                f"{where}: missing {name!r}",
                path=str(path),
                line=_line_of(path, entry),
                hint=FIX_HINT,
            )


def _check_value(
    value: Any, name: str, field: Field, path: Path, entry: Mapping[str, Any], where: str
) -> None:
    problem = _problem(value, field)
    if problem:
        raise FormatError(
            f"{where}: {name!r} {problem}",
            path=str(path),
            line=_line_of(path, entry),
            hint=FIX_HINT,
        )


def _problem(value: Any, field: Field) -> str | None:
    """What is wrong with a value, or None. Lists are never empty."""
    if field.kind is list:
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, field.items) for v in value)
        ):
            noun = "tables" if field.items is dict else "strings"
            return f"must be a non-empty list of {noun}"
        bad = [v for v in value if field.choices and v not in field.choices]
        return _not_in(bad[0], field.choices) if bad else None
    if not isinstance(value, field.kind) or isinstance(value, bool):
        return f"must be {'text' if field.kind is str else 'a number'}, not {value!r}"
    if isinstance(value, str) and not value.strip():
        return "must not be empty"
    if field.choices and value not in field.choices:
        return _not_in(value, field.choices)
    return None


def _not_in(value: Any, choices: tuple[Any, ...] | None) -> str:
    return f"has {value!r}; expected one of: {', '.join(str(c) for c in choices or ())}"


def unique_ids(items: Iterable[tuple[str, Path]]) -> None:
    """Ids are unique across every file (they are stored with each use, so they must be stable)."""
    seen: dict[str, Path] = {}
    for ident, path in items:
        if not ID_PATTERN.match(ident):
            raise FormatError(
                f"id {ident!r} must be lower-case letters, digits and dashes", path=str(path)
            )
        if ident in seen:
            raise FormatError(
                f"id {ident!r} is used twice (also in {seen[ident].name})",
                path=str(path),
                line=_line_of(path, {"id": ident}),
                hint="Give the new entry a fresh id; never reuse or renumber an old one.",
            )
        seen[ident] = path


def _where(entry: Mapping[str, Any], path: Path, label: str) -> str:
    ident = entry.get("id")
    return f"{label} {ident!r}" if isinstance(ident, str) else label


def _line_of(path: Path, entry: Mapping[str, Any]) -> int | None:
    """The line of an entry's `id = "..."`, so errors point at the entry in the file."""
    ident = entry.get("id")
    if not isinstance(ident, str):
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    needle = re.compile(r'^\s*id\s*=\s*["\']' + re.escape(ident) + r'["\']')
    return next((n for n, line in enumerate(lines, 1) if needle.match(line)), None)
