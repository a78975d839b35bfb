"""The contract of a power adapter and the registry of adapters by name."""

from __future__ import annotations

from typing import Callable

from broadcaster.errors import BroadcasterError


class PowerError(BroadcasterError):
    """The amplifier could not be switched (the message says why, in Vietnamese)."""


class PowerAdapter:
    """Switches the amplifier or transmitter. Subclasses declare the settings they need."""

    name = ""
    needs: tuple[str, ...] = ()   # settings that must not be empty

    def __init__(self, settings) -> None:
        missing = [key for key in self.needs if not str(settings[key]).strip()]
        if missing:
            raise PowerError(f"bộ bật tắt '{self.name}' cần thiết lập {', '.join(missing)}.")
        self.settings = settings

    def switch(self, on: bool) -> None:
        """Switch on or off; raise PowerError when it did not happen."""
        raise NotImplementedError


ADAPTERS: dict[str, type[PowerAdapter]] = {}


def register(cls: type[PowerAdapter]) -> type[PowerAdapter]:
    ADAPTERS[cls.name] = cls
    return cls


def make_adapter(settings, registry: dict[str, type[PowerAdapter]] | None = None,
                 ) -> PowerAdapter | None:
    """The adapter named by the `power.adapter` setting; None when it is `none`."""
    name = settings["power.adapter"]
    if name == "none":
        return None
    factory: Callable[..., PowerAdapter] | None = (registry or ADAPTERS).get(name)
    if factory is None:
        raise PowerError(f"không có bộ bật tắt tên '{name}'.")
    return factory(settings)
