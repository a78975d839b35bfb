"""Who has the air: one playback at a time; an emergency cuts in, everything else waits its turn.

Priorities: an emergency interrupts anything but another emergency; a slot (or a resumed slot)
waiting for the air goes before queued manual plays; manual plays air in the order they came.
Manual plays wait in a queue here, not in threads: the daemon takes them one at a time
(`next_manual`), so any number of them never starves the threads of slots or emergencies.
"""

from __future__ import annotations

import collections
import threading
import time
from typing import TYPE_CHECKING

from broadcaster.db.models import Trigger

if TYPE_CHECKING:
    from broadcaster.playout.playback import Playback

WAKE_SECONDS = 0.2
CLOSED = "không phát: tiến trình phát đang dừng"
WAITED_TOO_LONG = "không tới lượt phát: chờ quá lâu vì đài bận phát nội dung khác"


class Air:
    def __init__(self) -> None:
        self._cv = threading.Condition()
        self._current: Playback | None = None
        self._emergencies_waiting = 0
        self._claims_waiting = 0  # slots and resumed slots: they go before queued manual plays
        self._manual: collections.deque[tuple[Playback, float | None]] = collections.deque()
        self.closed = False

    @property
    def current(self) -> Playback | None:
        return self._current

    @property
    def queued(self) -> int:
        """Manual plays waiting for the air."""
        return len(self._manual)

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
                self._claims_waiting += 1
                try:
                    while (self._current is not None or self._emergencies_waiting) and not self.closed:
                        remaining = None if deadline is None else deadline - time.monotonic()
                        if remaining is not None and remaining <= 0:
                            return False
                        self._cv.wait(WAKE_SECONDS if remaining is None else min(remaining, WAKE_SECONDS))
                finally:
                    self._claims_waiting -= 1
            if self.closed:
                return False
            self._current = playback
            self._cv.notify_all()
            return True

    def queue_manual(self, playback: Playback, deadline: float | None) -> bool:
        """Queue a manual play (it gets the air through `next_manual` when its turn comes);
        False when closing: it will not air."""
        with self._cv:
            if self.closed:
                return False
            self._manual.append((playback, deadline))
            self._cv.notify_all()
            return True

    def next_manual(self) -> tuple[Playback, str] | None:
        """Wait for the first queued manual play's turn: return it holding the air with reason "",
        or with the reason it will not air (deadline passed, closing); None once closed and empty."""
        with self._cv:
            while True:
                if self._manual:
                    playback, deadline = self._manual[0]
                    if self.closed:
                        self._manual.popleft()
                        return playback, CLOSED
                    if deadline is not None and time.monotonic() >= deadline:
                        self._manual.popleft()
                        return playback, WAITED_TOO_LONG
                    if self._current is None and not self._emergencies_waiting \
                            and not self._claims_waiting:
                        self._manual.popleft()
                        self._current = playback
                        return playback, ""
                elif self.closed:
                    return None
                self._cv.wait(WAKE_SECONDS)

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
