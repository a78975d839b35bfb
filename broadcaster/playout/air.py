"""Who has the air: one playback at a time; an emergency cuts in, everything else waits its turn."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from broadcaster.db.models import Trigger

if TYPE_CHECKING:
    from broadcaster.playout.playback import Playback

WAKE_SECONDS = 0.2


class Air:
    def __init__(self) -> None:
        self._cv = threading.Condition()
        self._current: Playback | None = None
        self._emergencies_waiting = 0
        self.closed = False

    @property
    def current(self) -> Playback | None:
        return self._current

    def claim(self, playback: Playback, deadline: float | None = None, emergency: bool = False,
              reason: str = "") -> bool:
        """Take the air for `playback`; False if the deadline (monotonic) passed or we are closing.

        An emergency interrupts whatever non-emergency playback has the air (remembered in
        `playback.preempted`) and waits only for it to log its end; others wait for a free air
        with no emergency queued.
        """
        with self._cv:
            if emergency:
                self._emergencies_waiting += 1
                try:
                    while self._current is not None and not self.closed:
                        holder = self._current
                        if holder.cue.trigger is not Trigger.EMERGENCY and holder is not playback.preempted:
                            playback.preempted = holder
                            holder.interrupt(reason)
                        self._cv.wait(WAKE_SECONDS)
                finally:
                    self._emergencies_waiting -= 1
            else:
                while (self._current is not None or self._emergencies_waiting) and not self.closed:
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        return False
                    self._cv.wait(WAKE_SECONDS if remaining is None else min(remaining, WAKE_SECONDS))
            if self.closed:
                return False
            self._current = playback
            return True

    def handover(self, old: Playback, new: Playback) -> None:
        """Pass the air straight on (an emergency handing back to the slot it cut)."""
        with self._cv:
            if self._current is old:
                self._current = new
            if self.closed:
                new.interrupt("tiến trình phát được dừng")

    def release(self, playback: Playback) -> None:
        with self._cv:
            if self._current is playback:
                self._current = None
            self._cv.notify_all()

    def close(self, reason: str) -> None:
        """Refuse new claims and cut what is airing (the daemon is stopping)."""
        with self._cv:
            self.closed = True
            if self._current is not None:
                self._current.interrupt(reason)
            self._cv.notify_all()
