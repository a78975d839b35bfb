"""The daemon's clock (injectable), wall-clock steps noticed, and periodic work on the monotonic clock."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta, timezone

log = logging.getLogger(__name__)

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


STEP_SECONDS = 2.0  # the wall clock moving this much more or less than the monotonic one is a step


class StepWatch:
    """Notice wall-clock steps (NTP at boot, an operator fixing the time): the wall clock moved
    by a different amount than the monotonic clock since the last look."""

    def __init__(self, clock: Clock):
        self.clock = clock
        self._skew = self._read()

    def _read(self) -> float:
        return self.clock.now().timestamp() - self.clock.monotonic()

    def step(self) -> float:
        """The size of the step since the last call in seconds (0.0 when there was none)."""
        skew = self._read()
        moved, self._skew = skew - self._skew, skew
        return moved if abs(moved) >= STEP_SECONDS else 0.0


class Every:
    """Run `fn` every `seconds` in its own thread, on the monotonic clock: a wall-clock step never
    delays periodic work (APScheduler's interval trigger counts in wall time)."""

    def __init__(self, name: str, seconds: float, fn, stop: threading.Event):
        self.seconds = seconds
        self._fn = fn
        self._stop = stop
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        due = time.monotonic() + self.seconds
        while not self._stop.wait(max(0.0, due - time.monotonic())):
            due += self.seconds
            if due < time.monotonic():  # the last run overran: start counting afresh
                due = time.monotonic() + self.seconds
            try:
                self._fn()
            except Exception:  # the job boundary: the next run must still happen
                log.exception("periodic %s failed", self._thread.name)
