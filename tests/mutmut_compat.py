"""Loaded only by mutmut's runs (pyproject's [tool.mutmut] passes `-p tests.mutmut_compat`).

mutmut 3.7 (the last release that allows click 8.1, which tarry pins) reads `item._nodeid`,
which pytest 9 no longer has; this gives pytest's items that name back.
"""

from __future__ import annotations

import pytest

if not hasattr(pytest.Item, "_nodeid"):
    pytest.Item._nodeid = property(lambda item: item.nodeid)  # type: ignore[attr-defined]
