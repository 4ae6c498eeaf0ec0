"""Work that builds many objects at once, without the cycle collector's passes over them."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_gc() -> Iterator[None]:
    """Hold off cyclic garbage collection while building many small objects that never form
    cycles (labels, a history's rows and exchanges): its passes over them find nothing and cost
    several per cent of labelling, and a third of reading a long history for a report. Reference
    counting still frees everything; collection resumes on leaving. A caller that does this
    batch after batch holds it around them all (the collection put off by each batch costs as
    much)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
