"""Scenario 8: export -> import -> export is byte-identical for generated stores.

Hypothesis generates 200 stores whose text mixes emoji (with joiners), right-to-left scripts and
bidi controls, NUL, CR/LF and other controls, with timestamps in every IANA time zone.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tarry.archive import document as archive
from tarry.base import clock
from tarry.store import Store
from tests.trust.conftest import PASS

SPECIAL = [
    "😀",
    "👩‍❤️‍👨",
    "🏳️‍🌈",
    "שלום",
    "مرحبا بك",
    "\u202e",
    "\u200f",
    "\x00",
    "\r\n",
    "\r",
    "\t",
    "\x1b[",
]
TEXT = st.lists(
    st.one_of(
        st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
        st.sampled_from(SPECIAL),
    ),
    max_size=6,
).map("".join)
MOMENT = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2090, 12, 31), timezones=st.timezones()
)


def _name_key(name: str) -> str:
    """Names are stored stripped and unique without regard to case."""
    return name.strip().casefold()


@st.composite
def stores(draw: st.DrawFn) -> dict[str, list[tuple[object, ...]]]:
    names = draw(st.lists(TEXT.filter(str.strip), max_size=4, unique_by=_name_key))
    return {
        "people": [(n.strip(), draw(TEXT)) for n in names if n.strip()],
        "entries": draw(st.lists(st.tuples(MOMENT, TEXT, TEXT), max_size=4)),
        "moments": draw(st.lists(st.tuples(MOMENT, TEXT), max_size=3)),
        "messages": draw(st.lists(st.tuples(MOMENT, TEXT, TEXT), max_size=6)),
    }


def _fill(store: Store, data: dict[str, list[tuple[object, ...]]]) -> None:
    with store.tx():
        for name, note in data["people"]:
            store.execute(
                "INSERT INTO people (name, note, created_at) VALUES (?, ?, ?)",
                (name, note, "2026-11-19T12:00:00Z"),
            )
        for at, prompt, body in data["entries"]:
            store.execute(
                "INSERT INTO entries (at, prompt, body) VALUES (?, ?, ?)",
                (clock.to_text(at), prompt, body),  # type: ignore[arg-type]
            )
        for at, note in data["moments"]:
            store.execute(
                "INSERT INTO moments (at, duration_min, intimacy, i_disclosed, they_disclosed,"
                " pleasantness, satisfaction, note) VALUES (?, 30, 4, 4, 4, 4, 4, ?)",
                (clock.to_text(at), note),  # type: ignore[arg-type]
            )
        _messages(store, data["messages"])


def _messages(store: Store, rows: list[tuple[object, ...]]) -> None:
    if not rows:
        return
    store.execute(
        "INSERT INTO conversations (source, title, me, imported_at) VALUES ('csv', ?, 'Robin', ?)",
        ("Trip ✈️ رحلة", "2026-11-19T12:00:00Z"),
    )
    for index, (at, author, text) in enumerate(rows):
        store.execute(
            "INSERT INTO messages (conversation_id, key, ts, author, text, kind)"
            " VALUES (1, ?, ?, ?, ?, 'message')",
            (f"k{index}", at.isoformat(), author, text),  # type: ignore[attr-defined]
        )


def _exported(home: Path, passphrase: str | None = None) -> str:
    out = io.StringIO()
    with Store.open(home, passphrase=passphrase) as store:
        archive.export(store, out)
    return out.getvalue()


def _round_trip(template: Path, data: dict[str, list[tuple[object, ...]]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        first, second = Path(folder) / "a", Path(folder) / "b"
        shutil.copytree(template, first)
        shutil.copytree(template, second)
        with Store.open(first) as store:
            _fill(store, data)
        document = _exported(first)
        (Path(folder) / "export.json").write_text(document, encoding="utf-8")
        with Store.open(second) as store:
            archive.import_backup(store, Path(folder) / "export.json")
        assert _exported(second) == document


def test_export_import_export_is_byte_identical(tmp_path: Path) -> None:
    template = tmp_path / "template"
    Store.open(template).close()  # one migrated empty store, copied for every example

    @settings(
        max_examples=200,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(stores())
    def check(data: dict[str, list[tuple[object, ...]]]) -> None:
        _round_trip(template, data)
        tried.append(sum(len(rows) for rows in data.values()))

    tried: list[int] = []
    check()
    assert len(tried) >= 200 and max(tried) >= 10  # 200 stores, not all of them tiny


def test_an_encrypted_store_round_trips_too(tmp_path: Path) -> None:
    from tarry.store import encryption

    source, target = tmp_path / "a", tmp_path / "b"
    encryption.create(source, PASS)
    encryption.create(target, PASS)
    with Store.open(source, passphrase=PASS) as store:
        _fill(
            store, {"people": [("Sam", "\x00\r\n😀")], "entries": [], "moments": [], "messages": []}
        )
    document = _exported(source, PASS)
    (tmp_path / "export.json").write_text(document, encoding="utf-8")
    with Store.open(target, passphrase=PASS) as store:
        archive.import_backup(store, tmp_path / "export.json")
    assert _exported(target, PASS) == document
