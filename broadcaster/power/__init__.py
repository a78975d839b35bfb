"""Amplifier or transmitter power: one small adapter contract, adapters registered by name.

`make_adapter(settings)` gives the adapter named by `power.adapter` (None for `none`); every
adapter's `switch(on)` either switches or raises PowerError with a Vietnamese reason.
"""

from broadcaster.power.base import ADAPTERS, PowerAdapter, PowerError, make_adapter
from broadcaster.power import adapters as _adapters  # noqa: F401  (registers the adapters)

__all__ = ["ADAPTERS", "PowerAdapter", "PowerError", "make_adapter"]
