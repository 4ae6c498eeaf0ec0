"""What one launch of the web app works on: the home, the guard, an unlocked store's key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tarry.store import Store
from tarry.web.security import Guard


@dataclass
class Config:
    """What one launch of the web app works on."""

    home: Path | None
    guard: Guard
    key: bytes | None = None  # an encrypted store's data key, unlocked once at launch


def open_store(config: Config) -> Store:
    return Store.open(config.home, key=config.key)
