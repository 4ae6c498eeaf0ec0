"""Process-wide protections for tarry's own processes (the CLI and the server it starts).

No core dumps: a crash would write the process's memory to disk, and that holds decrypted pages
and, for an encrypted store, the raw data key. RLIMIT_CORE 0 stops the kernel writing a core file;
on Linux PR_SET_DUMPABLE 0 also stops core helpers (systemd-coredump, apport) from receiving one
and keeps other processes of the same user from attaching a debugger to read memory.
"""

from __future__ import annotations

import contextlib
import ctypes
import sys

PR_SET_DUMPABLE, PR_GET_DUMPABLE = 4, 3


def no_core_dumps() -> None:
    """Turn core dumps off for this process and the ones it starts (best effort elsewhere)."""
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):
        _prctl(PR_SET_DUMPABLE, 0)


def dumpable() -> bool | None:
    """Whether this process may dump core (Linux; None where it cannot be asked)."""
    if not sys.platform.startswith("linux"):
        return None
    result = _prctl(PR_GET_DUMPABLE, 0)
    return None if result is None else result != 0


def _prctl(option: int, value: int) -> int | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the C library already loaded (no ldconfig)
        result: int = libc.prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        return None
    return None if result < 0 else result
