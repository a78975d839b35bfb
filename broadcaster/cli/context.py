"""What every command shares: the station home, its settings and its database, opened lazily."""

from __future__ import annotations

from functools import cached_property

from broadcaster.settings import Settings, load_settings


class StationContext:
    def __init__(self, home: str | None):
        self._home = home

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self._home)
