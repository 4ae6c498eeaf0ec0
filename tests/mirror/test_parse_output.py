"""`tarry mirror parse` writes one JSON object per message, whatever the text holds."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from tarry.mirror.chats import without_surrogates
from tarry.mirror.formats import Message, Reaction, Ref, with_ref
from tarry.mirror.jsonlines import lines

TRICKY = st.sampled_from(['},{"ts":', '"', "\\", "\n", "},{", '\\"},{"ts":"', "\ud800", "é"])
TEXT = st.lists(st.one_of(st.text(max_size=8), TRICKY), max_size=6).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT, TEXT), min_size=1, max_size=20), st.booleans())
def test_each_message_is_one_line_that_reads_back(
    rows: list[tuple[str, str, str]], refs: bool
) -> None:
    batch = [
        with_ref(Message(ts, author, text), Ref("1", "0", (Reaction(author, "👍"),)))
        if refs
        else Message(ts, author, text)
        for ts, author, text in rows
    ]
    out = lines(batch).decode().split("\n")
    assert out[-1] == "" and len(out) == len(batch) + 1
    for line, message in zip(out, batch, strict=False):
        got = json.loads(line)
        expected = {k: without_surrogates(v) for k, v in message.to_dict().items()}
        if refs:
            expected["reactions"] = [
                {k: without_surrogates(v) for k, v in r.items()} for r in expected["reactions"]
            ]
        assert got == expected
