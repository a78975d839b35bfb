"""The amplifier in step with the programme: on before each slot, off after the last airing.

`wanted` is the whole policy, a plain function: the amplifier is wanted while something airs or
is taken to air (an emergency, a manual play), from `warmup` before each scheduled slot start,
and for `hold` after the last moment it was wanted. The daemon's one-second poll calls `tick`;
switching itself runs on this controller's own thread, so a slow or dead relay never delays the
poll, an emergency or a slot: a failure to switch on is recorded (`power_switch`, the heartbeat,
the as-run row's notes) and the programme airs all the same.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Callable, Iterable

from sqlalchemy.orm import Session

from broadcaster.db.watch_models import PowerSwitch
from broadcaster.playout.dbwrite import Writer
from broadcaster.power import PowerAdapter, PowerError

log = logging.getLogger(__name__)

RETRY_SECONDS = 10.0   # a failed switch is tried again this often while it is still wanted


def wanted(now: datetime, busy: bool, starts: Iterable[datetime], warmup: timedelta,
           hold: timedelta, last_wanted: datetime | None) -> bool:
    """Whether the amplifier should be on now."""
    if busy or any(start - warmup <= now <= start for start in starts):
        return True
    return last_wanted is not None and now - last_wanted < hold


class PowerControl:
    """Switch one adapter to the wanted state, on a thread of its own; record every switch."""

    def __init__(self, adapter: PowerAdapter, writer: Writer, station_id: int,
                 warmup_seconds: float, hold_seconds: float, clock_now: Callable[[], datetime]):
        self.adapter = adapter
        self.writer = writer
        self.station_id = station_id
        self.warmup = timedelta(seconds=warmup_seconds)
        self.hold = timedelta(seconds=hold_seconds)
        self.now = clock_now
        self.state: bool | None = None        # None until the first switch
        self.error = ""
        self.switched_at: datetime | None = None
        self._want: bool | None = None
        self._why = ""
        self._last_wanted: datetime | None = None
        self._needed = False
        self._failed_at = 0.0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="power", daemon=True)
        self._thread.start()

    def tick(self, busy: bool, starts: Iterable[datetime], why: str) -> None:
        """Decide the wanted state now; the thread switches when it differs."""
        now, starts = self.now(), list(starts)
        needed = busy or any(start - self.warmup <= now <= start for start in starts)
        if needed or self._needed:  # the first tick after an airing ended starts the hold
            self._last_wanted = now
        self._needed = needed
        on = wanted(now, busy, starts, self.warmup, self.hold, self._last_wanted)
        if on != self._want:
            self._want, self._why = on, why if on else "hết giờ phát"
            self._wake.set()

    def snapshot(self) -> dict:
        """The amplifier's state for the heartbeat and the as-run notes."""
        return {"state": {True: "on", False: "off", None: "unknown"}[self.state],
                "wanted": self._want, "error": self.error, "adapter": self.adapter.name,
                "at": self.switched_at.isoformat() if self.switched_at else None}

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=15)

    def _run(self) -> None:
        while not self._stop.is_set():
            # After a failure, try again RETRY_SECONDS later, or at once when the wanted state changes.
            self._wake.wait(RETRY_SECONDS if self._failed_at else None)
            self._wake.clear()
            if self._stop.is_set():
                return
            want, why = self._want, self._why
            if want is None or want == self.state:
                self.error, self._failed_at = "", 0.0
                continue
            try:
                self.adapter.switch(want)
            except Exception as exc:  # PowerError; any other is an adapter's bug, said the same way
                if not isinstance(exc, PowerError):
                    log.exception("power adapter %s failed", self.adapter.name)
                self._failed_at, self.error = time.monotonic(), str(exc)[:300]
                log.warning("switching the amplifier %s failed: %s", "on" if want else "off", exc)
                self._record(want, False, why, self.error)
                continue
            self.state, self.error, self._failed_at = want, "", 0.0
            self.switched_at = self.now()
            log.info("amplifier switched %s (%s)", "on" if want else "off", why)
            self._record(want, True, why, "")

    def _record(self, on: bool, ok: bool, why: str, error: str) -> None:
        row = dict(station_id=self.station_id, at=self.now(), state="on" if on else "off", ok=ok,
                   adapter=self.adapter.name, reason=why[:200], error=error)

        def write(session: Session) -> None:
            session.add(PowerSwitch(**row))
        self.writer.submit(write, f"power {row['state']}")


def power_control(settings, writer: Writer, station_id: int,
                  clock_now: Callable[[], datetime]) -> PowerControl | None:
    """The station's amplifier control (None when `power.adapter` is none). A bad setting stops
    the daemon's start with the reason."""
    from broadcaster.power import make_adapter

    adapter = make_adapter(settings)
    if adapter is None:
        return None
    return PowerControl(adapter, writer, station_id, settings["power.warmup_seconds"],
                        settings["power.hold_seconds"], clock_now)
