"""An export document changed anywhere either is refused, or restores a store every command can
read: one value at a time is replaced by anything JSON can carry, then the store is restored and
read through the CLI (review, people, commitments, moments, entries, search, mirror, calendar,
export). Exit 0 or a refusal naming the value, never a traceback. 240 examples a run, from a
seed that changes every run (a failure names it; TARRY_FUZZ_SEED=N replays it);
TARRY_FUZZ_EXAMPLES=N explores 4N.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, event, given, note, seed, settings
from hypothesis import strategies as st

from tarry.archive import document as archive
from tarry.base.errors import FormatError
from tarry.store import Store
from tests.archive.test_archive import fill
from tests.conftest import Result, _shell, runner
from tests.trust.test_fuzz import EXAMPLES, REPLAY, SEED

# Each reader, and the one refusal it may answer with: the document renamed what it names.
READERS = [
    (["review", "--json"], None),
    (["review", "--week", "2026-W46", "--json"], None),
    (["people", "list", "--json"], None),
    (["drift", "--json"], None),
    (["commit", "upcoming", "--days", "30", "--json"], None),
    (["commit", "show", "5"], "No commitment"),
    (["moments", "list", "--json"], None),
    (["entries", "list", "--json"], None),
    (["search", "walk", "--json"], None),
    (["values", "show", "--json"], None),
    (["mirror", "report", "--person", "Sam", "--json"], "No person called 'Sam'"),
    (["calendar", "audit", "--json"], None),
    (["export", "--json"], None),
]
VALUES = st.one_of(
    st.none(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(
        ["", "2026-11-13T19:00:00Z", "9999-12-31T23:59:59", "0001-01-01", "2026-11-13",
         "FREQ=DAILY", "FREQ=YEARLY;COUNT=1", "validate,explore", "{}", '{"disclosure": 3}',
         "partner", "kept", "away", "feeling", "mutual"]
    ),
)  # fmt: skip


def _document() -> dict:
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder)) as store:
        fill(store)
        store.execute(
            "INSERT INTO message_labels"
            " (message_id, version, disclosure, moves, question, evidence)"
            " VALUES (4, 1, 'feeling', 'share', NULL,"
            ' \'{"disclosure": ["thinking of you"]}\')'
        )
        out = io.StringIO()
        archive.export(store, out)
    return json.loads(out.getvalue())


DOCUMENT = _document()
PLACES = [
    (table, row, column)
    for table, body in DOCUMENT["tables"].items()
    for row in range(len(body["rows"]))
    for column in range(len(body["columns"]))
]


def run(home: Path, args: list[str]) -> Result:
    result = runner().invoke(_shell, ["--home", str(home), *args], catch_exceptions=True)
    return Result(result.exit_code, result.stdout, result.stderr)


def near(original: object) -> st.SearchStrategy[object]:
    """Values of the original's kind, so that most changed documents restore and get read."""
    if isinstance(original, bool) or original is None:
        return VALUES
    if isinstance(original, int):
        return st.integers(min_value=-2, max_value=3000)
    if isinstance(original, float):
        return st.floats(min_value=-1, max_value=5000, allow_nan=False)
    times = st.datetimes(
        min_value=datetime(1969, 12, 30), max_value=datetime(2100, 1, 1),
        timezones=st.sampled_from([None, UTC, timezone(timedelta(hours=-11))]),
    )  # fmt: skip
    return st.one_of(times.map(datetime.isoformat), st.text(max_size=12))


@seed(SEED)
@settings(
    max_examples=EXAMPLES * 4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(place=st.sampled_from(PLACES), data=st.data())
def test_a_changed_value_is_refused_or_readable_everywhere(place, data) -> None:
    note(REPLAY)
    original = DOCUMENT["tables"][place[0]]["rows"][place[1]][place[2]]
    value = data.draw(st.one_of(near(original), VALUES), label="value")
    table, row, column = place
    document = json.loads(json.dumps(DOCUMENT))
    document["tables"][table]["rows"][row][column] = value
    folder = Path(tempfile.mkdtemp())
    try:
        path = folder / "changed.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        with Store.open(folder / "home") as store:
            try:
                archive.import_backup(store, path)
            except FormatError as refusal:
                event("refused")
                # The refusal names the file and the value's place, and imports nothing.
                said, column_name = str(refusal), DOCUMENT["tables"][table]["columns"][column]
                assert refusal.path == str(path) and repr(table) in said, said
                place_named = (f"row {row + 1}", column_name, f"a missing row in {table!r}")
                assert any(words in said for words in place_named), said
                assert archive._counts(store.conn) == archive.fresh_counts()
                return
        event("restored")
        for args, refusal in READERS:
            result = run(folder / "home", args)
            refused = refusal is not None and result.code == 2 and refusal in result.stderr
            assert result.code == 0 or refused, (args, result.stderr[-2000:])
    finally:
        shutil.rmtree(folder)
