"""Staying cards: one per urge, found by urge or id, or one at random."""

from __future__ import annotations

import pytest

from tarry.base.errors import NotFound
from tarry.prompts import staying


def test_card_by_urge_or_id() -> None:
    assert staying.card("fix").title == "You want to solve it"
    assert staying.card("Stay-Phone").urge == "phone"


def test_a_random_card_is_seeded() -> None:
    assert staying.card(seed=4) == staying.card(seed=4)
    assert {staying.card(seed=n).id for n in range(40)} != {staying.card(seed=0).id}


def test_unknown_urge_lists_the_urges() -> None:
    with pytest.raises(NotFound) as caught:
        staying.card("sulk")
    assert caught.value.hint is not None and "fix, minimise, redirect" in caught.value.hint
