"""The relay's schema: numbered migrations, each with an SQLite and a PostgreSQL script.

Each module `rNNNN_name.py` defines `SQLITE` and `POSTGRES`. They are applied in order, each in
one transaction, and recorded in `relay_migrations`; on PostgreSQL an advisory lock lets several
relay processes start at once against one database.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sqlite: str
    postgres: str

    def script(self, engine: str) -> str:
        return self.sqlite if engine == "sqlite" else self.postgres


LEDGER = (
    "CREATE TABLE IF NOT EXISTS relay_migrations ("
    " number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)"
)


def available() -> list[Migration]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("r") and info.name[1:5].isdigit():
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.append(
                Migration(int(info.name[1:5]), info.name[6:], module.SQLITE, module.POSTGRES)
            )
    return sorted(found, key=lambda m: m.number)
