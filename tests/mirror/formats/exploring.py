"""Property tests that reach the parsers' message code: valid exports, mutated.

Random bytes are refused at the first byte, so a property such as "any input gives valid
messages or a FormatError" checked on random bytes never meets a message. Here every example
starts from one of the synthetic exports in tests/data and is changed a little: its JSON tree
(a value replaced, retyped, removed or duplicated), its lines (removed, duplicated, swapped, a
digit or a few bytes changed), or its raw bytes (flipped, cut, spliced). Most examples still
parse, so the message-shape checks run on them, and `explore` asserts that a fair share does.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TOKENS = [b"{", b"}", b"[", b"]", b'"', b",", b":", b"\n", b"\r\n", b"\x00", b"\xff", b"\\u0000"]
TOKENS += [b"\xe2\x80\x8e", b"\xef\xbb\xbf", b"9" * 40, b" ", b"-", b"/", b".", b"AM", b"\t"]
ODD_TEXT = ["", " ", "\u200e", "\u202f", "é", "😊", "a\nb", "\x00", "null", "0", "-1", "9" * 25]
ODD_TIMES = ["2023-06-01T18:00:00", "2023-06-01T18:00:00Z", "2023-06-01 18:00", "1685642400",
             "0001-01-01T00:00:00", "9999-12-31T23:59:59", "2023-13-45T99:99:99",
             "yesterday"]  # fmt: skip
JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(ODD_TEXT + ODD_TIMES),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def objects(draw: st.DrawFn, valid: dict[str, Any], values: st.SearchStrategy[Any]) -> dict:
    """`valid` with some of its keys given other values (from `values`) or removed, and now
    and then a key of another message's."""
    out = dict(valid)
    for key in draw(st.lists(st.sampled_from(sorted(valid)), max_size=3, unique=True)):
        if draw(st.integers(0, 3)) == 0:
            del out[key]
        else:
            out[key] = draw(values)
    return out


def _places(node: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) in a JSON tree, the root's children first."""
    found: list[tuple[Any, Any]] = []
    keys = range(len(node)) if isinstance(node, list) else node if isinstance(node, dict) else ()
    for key in list(keys):
        found.append((node, key))
        found.extend(_places(node[key]))
    return found


@st.composite
def json_edits(draw: st.DrawFn, document: Any, most: int = 3, one_line: bool = False) -> bytes:
    doc = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, most))):
        places = _places(doc)
        if not places:
            break
        parent, key = draw(st.sampled_from(places))
        action = draw(st.sampled_from(["replace", "retype", "delete", "duplicate", "odd"]))
        value = parent[key]
        if action == "replace":
            parent[key] = draw(JSON_VALUES)
        elif action == "retype":
            parent[key] = str(value) if not isinstance(value, str) else _number_or_list(value)
        elif action == "delete":
            del parent[key]
        elif action == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(value))
        else:
            parent[key] = draw(st.sampled_from(ODD_TEXT + ODD_TIMES))
    indent = None if one_line else draw(st.sampled_from([None, 1]))
    return json.dumps(doc, ensure_ascii=draw(st.booleans()), indent=indent).encode()


def _number_or_list(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        return [text]


@st.composite
def line_edits(draw: st.DrawFn, data: bytes, most: int = 3) -> bytes:
    lines = data.splitlines(keepends=True) or [b""]
    for _ in range(draw(st.integers(1, most))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "digit", "bytes"]))
        if action == "delete" and len(lines) > 1:
            del lines[at]
        elif action == "duplicate":
            lines.insert(at, lines[at])
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif action == "digit" and any(chr(b).isdigit() for b in lines[at]):
            spots = [i for i, b in enumerate(lines[at]) if chr(b).isdigit()]
            i = draw(st.sampled_from(spots))
            digit = str(draw(st.integers(0, 9))).encode()
            lines[at] = lines[at][:i] + digit + lines[at][i + 1 :]
        else:
            lines[at] = draw(byte_edits(lines[at], most=1))
    return b"".join(lines)


@st.composite
def byte_edits(draw: st.DrawFn, data: bytes, most: int = 3) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, most))):
        at = draw(st.integers(0, len(out)))
        action = draw(st.sampled_from(["flip", "insert", "delete", "splice", "truncate"]))
        if action == "flip" and at < len(out):
            out[at] = draw(st.integers(0, 255))
        elif action == "insert":
            out[at:at] = draw(st.one_of(st.sampled_from(TOKENS), st.binary(max_size=8)))
        elif action == "delete":
            del out[at : at + draw(st.integers(1, 16))]
        elif action == "splice":
            start = draw(st.integers(0, len(out)))
            out[at:at] = out[start : start + draw(st.integers(1, 64))]
        elif draw(st.integers(0, 3)) == 0:  # truncation ends most parses early: keep it rare
            del out[at:]
    return bytes(out)


@st.composite
def json_lines_edits(draw: st.DrawFn, data: bytes, most: int = 2) -> bytes:
    """JSON Lines: one document per line, each edited as JSON; now and then a line edit."""
    lines = data.splitlines()
    for _ in range(draw(st.integers(1, most))):
        at = draw(st.integers(0, len(lines) - 1))
        if lines[at].strip():
            lines[at] = draw(json_edits(json.loads(lines[at]), most=1, one_line=True))
    out = b"\n".join(lines) + b"\n"
    return draw(line_edits(out, most=1)) if draw(st.integers(0, 3)) == 0 else out


def structure(seed: bytes) -> str:
    """How a seed is best edited: "json", "json lines" or "lines"."""
    try:
        json.loads(seed)
        return "json"
    except ValueError:
        pass
    try:
        [json.loads(line) for line in seed.splitlines() if line.strip()]
        return "json lines"
    except ValueError:
        return "lines"


@st.composite
def _edited(draw: st.DrawFn, seed: bytes) -> bytes:
    if draw(st.integers(0, 3)) == 0:
        return draw(byte_edits(seed))
    kind = structure(seed)
    if kind == "json":
        return draw(json_edits(json.loads(seed)))
    if kind == "json lines":
        return draw(json_lines_edits(seed))
    return draw(line_edits(seed))


def exports(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    """A seed changed by edits that keep its structure (JSON, JSON Lines or lines of text)
    or, one time in four, by raw byte edits."""
    return st.sampled_from(seeds).flatmap(_edited)


def explore(
    strategy: st.SearchStrategy[Any],
    check: Callable[[Any], int],
    *,
    examples: int,
    share: float,
) -> None:
    """Run `check` (which asserts its property and returns how many messages it saw) on
    `examples` inputs, then assert that at least `share` of them gave a message: a property
    checked only on refused input checks nothing."""
    tally = {"inputs": 0, "with messages": 0}

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(strategy)
    def run(value: Any) -> None:
        tally["inputs"] += 1
        tally["with messages"] += check(value) > 0

    run()
    got = tally["with messages"] / max(tally["inputs"], 1)
    assert got >= share, f"only {tally['with messages']} of {tally['inputs']} inputs gave messages"
