"""Argon2id at a token cost, for mutation runs only (`dev.py mutate` sets TARRY_TEST_CHEAP_KDF=1).

Every encrypted-store test derives keys at tarry's floor (64 MiB, 3 passes): fine once per
suite, far too slow once per mutant. Under mutation runs, tests/conftest.py puts `hash_secret_raw`
below in place of the one `tarry.store.crypto` calls. It still depends on every argument it is
given, so a mutant that changes a cost parameter still changes the derived key:

- the requested time cost, memory, lanes, length, type and version are hashed into the secret;
- real Argon2id then runs with the given salt, lanes, length, type and version at the smallest
  legal cost (one pass, 8 KiB per lane), and with the time cost and memory passed through when
  they are below that, so an illegal or ill-typed request fails as it would at full cost;
- it sleeps 5 ms per floor's worth of cost (time cost x memory), so code that measures the cost
  (`crypto.tune`) sees it grow as it would, and stops.

The product is unchanged: its floor is in crypto.py, and no product setting weakens it.
"""

from __future__ import annotations

import hashlib
import operator
import time

from argon2.low_level import ARGON2_VERSION, Type
from argon2.low_level import hash_secret_raw as real_hash_secret_raw

ENV = "TARRY_TEST_CHEAP_KDF"
FLOOR_COST = 3 * 64 * 1024  # tarry's floor: 3 passes over 64 MiB
SECONDS_PER_FLOOR = 0.005


def hash_secret_raw(
    secret: bytes,
    salt: bytes,
    time_cost: int,
    memory_cost: int,
    parallelism: int,
    hash_len: int,
    type: Type,
    version: int = ARGON2_VERSION,
) -> bytes:
    asked = repr((time_cost, memory_cost, parallelism, hash_len, type, version)).encode()
    passes, memory, lanes = (operator.index(n) for n in (time_cost, memory_cost, parallelism))
    key = real_hash_secret_raw(
        hashlib.sha256(asked).digest() + secret,
        salt,
        min(passes, 1),
        min(memory, 8 * lanes),
        lanes,
        hash_len,
        type,
        version,
    )
    time.sleep(SECONDS_PER_FLOOR * max(passes, 0) * max(memory, 0) / FLOOR_COST)
    return key
