"""What one launch of the web app works on: the home, the guard, an unlocked store's key."""

from __future__ import annotations

from dataclasses import dataclass

from tarry.base.home import Home
from tarry.store import Store
from tarry.web.security import Guard


@dataclass
class Config:
    """What one launch of the web app works on: its home, resolved at launch."""

    home: Home
    guard: Guard
    key: bytes | None = None  # an encrypted store's data key, unlocked once at launch

    def __post_init__(self) -> None:
        self.home = Home.of(self.home)  # a folder given as is, as in tests and scripts


def open_store(config: Config) -> Store:
    return Store.open(config.home, key=config.key)
