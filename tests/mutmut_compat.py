"""Loaded only by mutmut's runs (pyproject's [tool.mutmut] passes `-p tests.mutmut_compat`).

mutmut 3.7 (the last release that allows click 8.1, which tarry pins) reads `item._nodeid`,
which pytest 9 no longer has; this gives pytest's items that name back. And under mutmut's
tracing and two workers, Hypothesis's data generation is slower than its health check allows:
that is the harness, not the code under test, so the check is off in these runs.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

if not hasattr(pytest.Item, "_nodeid"):
    pytest.Item._nodeid = property(lambda item: item.nodeid)  # type: ignore[attr-defined]

SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("mutmut", deadline=None, suppress_health_check=SLOW)
settings.load_profile("mutmut")
