"""The daemon's clock, injectable so tests can shift "now" without sleeping."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

SPIN_SECONDS = 0.002  # the last moments before an instant are spun, not slept: sleep overshoots


class Clock:
    """Wall time in UTC plus a monotonic clock; `offset` shifts the wall time (for tests)."""

    def __init__(self, offset: timedelta = timedelta(0)):
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset

    def monotonic(self) -> float:
        return time.monotonic()

    def monotonic_at(self, when: datetime) -> float:
        """The monotonic reading that corresponds to a wall-clock instant."""
        return self.monotonic() + (when - self.now()).total_seconds()

    def wait_until(self, when: datetime, stop: threading.Event | None = None) -> bool:
        """Wait precisely until an instant; return False if `stop` was set first."""
        deadline = self.monotonic_at(when)
        stop = stop or threading.Event()
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return not stop.is_set()
            if remaining > SPIN_SECONDS:
                if stop.wait(min(remaining - SPIN_SECONDS, 0.5)):
                    return False
            elif stop.is_set():
                return False
