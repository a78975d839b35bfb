"""One airing: prepare the audio, log STARTED, start at the instant, follow the items, log the end.

A `Cue` (cues.py) says what to air and how to log it; a `Playback` airs one cue once. The daemon
decides when a playback may take the air (see air.Air); the playback itself never decides policy.
Its as-run writes go through the daemon's writer (dbwrite), never straight to the database, and
the airing is kept in the local journal (journal.py) until the row that closes it is in.
"""

from __future__ import annotations

import functools
import logging
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Sequence

from sqlalchemy.orm import Session

from broadcaster.db.models import AsRunStatus, Trigger
from broadcaster.playout import asrun
from broadcaster.playout.clock import Clock
from broadcaster.playout.cues import Cue
from broadcaster.playout.dbwrite import Pending, Writer
from broadcaster.playout.errors import PlayoutError
from broadcaster.playout.journal import Journal
from broadcaster.playout.monitor import AiringMonitor
from broadcaster.playout.outputs import Output
from broadcaster.playout.programme import Prepared, prepare
from broadcaster.playout.pump import CUT, DONE, FADE_MS, LEAD_MS, STOPPED, Pump

log = logging.getLogger(__name__)

ROW_BEFORE_START = timedelta(seconds=1.0)  # the STARTED row is committed this long before audio
ROW_LATE_WAIT = 0.05  # seconds a late start waits for its STARTED row at most
PROGRESS_SECONDS = 1.0
TICK_SECONDS = 0.25
# A hard start: whatever airs (but an emergency) fades out so that it is silent this long before
# the next slot's instant, which then starts on time.
HANDOVER = timedelta(milliseconds=500)
HARD_START = "cắt (mờ dần) để buổi phát tiếp theo bắt đầu đúng giờ"
SHORT_TOLERANCE_MS = 1000
SHORT = ("tệp chương trình ngắn hơn bản đã duyệt ({played:.1f} trên {expected:.1f} giây): tệp bị hỏng "
         "hoặc bị cắt sau khi duyệt")
NOT_IN_FILE = "không có trong tệp chương trình đã phát (tệp ngắn hơn bản đã duyệt)"


@dataclass
class Outcome:
    """How an airing ended. `row_id` is None while its as-run row is still waiting for the database
    (see dbwrite): code that needs the id queues its own write after the playback's."""

    status: AsRunStatus
    row_id: int | None
    position_ms: int
    played_ms: int
    error: str = ""
    outputs: list[str] = field(default_factory=list)


@dataclass
class Env:
    """What a playback needs from the daemon."""

    session: Callable[[], AbstractContextManager[Session]]
    station_id: int
    cache_dir: Path
    clock: Clock
    make_outputs: Callable[[Cue], list[Output]]
    writer: Writer
    journal: Journal
    next_start: Callable[[Cue], datetime | None]  # the next slot's instant: a hard start for the cue
    monitor: Callable[["Playback"], AiringMonitor] | None = None  # dead air, power (monitor.py)


class Playback:
    def __init__(self, cue: Cue, env: Env):
        self.cue = cue
        self.env = env
        self.prepared: Prepared | None = None
        self.prepare_error = ""
        self.outputs: list[Output] = []
        self.outcome: Outcome | None = None
        self.preempted: Playback | None = None  # what this (emergency) playback cut in on
        self.row_id: int | None = None          # set by the writer thread once the row is written
        self.written: Pending | None = None     # the write that closes the row
        self._pump: Pump | None = None
        self._stop = threading.Event()
        self._interrupt_reason = ""
        self._fault = ""
        self._cut_reason = ""                     # set when a hard start cuts this airing
        self._open_items: set[int] = set()      # items airing now
        self._item_rows: dict[int, int] = {}    # item index -> as-run id (set by the writer thread)
        self._done_items: set[int] = set()
        self._started_wall: datetime | None = None
        self._journal_key: str | None = None      # this airing in the local journal (see journal)
        self.monitor: AiringMonitor | None = None

    # --- control from other threads ---------------------------------------------------------
    def interrupt(self, reason: str) -> None:
        """Cut this playback now (an emergency, or the daemon stopping)."""
        if not self._interrupt_reason:
            self._interrupt_reason = reason
        self._stop.set()
        if self._pump is not None:
            self._pump.stop()

    def state(self) -> dict:
        """What is airing, for the heartbeat."""
        position = self._pump.position_ms() if self._pump and self._pump.started_monotonic else None
        item = next((self.cue.items[i].title for i in sorted(self._open_items)), None)
        return {"trigger": self.cue.trigger.value, "slot": self.cue.slot_name, "title": self.cue.title,
                "plan_version": self.cue.plan_version, "as_run_id": self.row_id,
                "position_ms": position, "item": item,
                "started_at": self._started_wall.isoformat() if self._started_wall else None,
                "outputs": {o.name: o.error or "ok" for o in self.outputs}}

    # --- the airing -------------------------------------------------------------------------
    def prepare(self) -> None:
        """Decode ahead (a no-op when the cache has it); a failure is kept for run() to log."""
        if self.prepared is None and not self.prepare_error:
            try:
                self.prepared = prepare(self.cue.source, self.env.cache_dir, self.cue.cache_key)
            except PlayoutError as exc:
                self.prepare_error = str(exc)
                return
            expected = self.cue.expected_ms
            if expected and abs(self.prepared.duration_ms - expected) > SHORT_TOLERANCE_MS:
                log.warning("%s: the programme decodes to %.1f s where the approved version is "
                            "%.1f s", self.cue.slot_name or self.cue.title,
                            self.prepared.duration_ms / 1000, expected / 1000)

    def run(self) -> Outcome:
        """Air the cue (the caller holds the air, unless nothing can air) and log it.

        Never raises for an audio or database fault: the database only gets queued writes (see
        dbwrite), so a busy database neither delays the start nor stops the audio. Once the
        outputs are open, the pump is always stopped, the outputs closed and the row closed with
        what really aired, whatever happens.
        """
        self.prepare()
        if self.prepared is None:
            return self._failed_before_audio(self.prepare_error)
        try:
            self.outputs = self.env.make_outputs(self.cue)
        except PlayoutError as exc:
            return self._failed_before_audio(str(exc))
        if not self.outputs:
            return self._failed_before_audio("không có ngõ ra nào được bật (playout.outputs)")
        pump: Pump | None = None
        started = False
        try:
            for output in self.outputs:
                output.open()
            self.monitor = self.env.monitor(self) if self.env.monitor else None
            pump = Pump(self.prepared, self.outputs, self.cue.start_ms,
                        self.monitor.feed if self.monitor else None)
            started = self._air(pump)
        except Exception as exc:  # a fault of ours: cut, and say so in the row
            log.exception("airing %s %s failed", self.cue.trigger.value,
                          self.cue.slot_name or self.cue.title)
            self._fault = f"lỗi của tiến trình phát: {exc}"[:300]
            if not self._interrupt_reason:
                self._interrupt_reason = self._fault
            self._stop.set()
        finally:
            outcome = self._finish(pump, started)
        return outcome

    def _air(self, pump: Pump) -> bool:
        """Log STARTED, start at the instant, follow the items; True once audio started."""
        clock = self.env.clock
        scheduled = self.cue.scheduled_at if not self.cue.start_ms else None
        if scheduled is not None:
            clock.wait_until(scheduled - ROW_BEFORE_START, self._stop)
        journal = self.env.journal
        key = self._journal_key = journal.begin(
            self.cue.facts(), [self.cue.item_facts(i, 0) for i in self.cue.items
                               if i.offset_ms >= self.cue.start_ms],
            [o.name for o in self.outputs], clock.now())
        opened = self._write(self._open_row, "STARTED")
        # The row is wanted before audio, but audio never waits for the database past its instant
        # (a late start gives it a moment: an idle database writes it in milliseconds).
        row_deadline = max(clock.monotonic_at(scheduled) if scheduled is not None else 0.0,
                           clock.monotonic() + (ROW_LATE_WAIT if scheduled is not None
                                                else ROW_BEFORE_START.total_seconds()))
        while not opened.done.is_set() and not self._stop.is_set():
            remaining = row_deadline - clock.monotonic()
            if remaining <= 0:
                (log.warning if self.env.writer.busy else log.info)(
                    "%s %s: starting before the STARTED row is written (%s; it is written as soon "
                    "as the database allows)", self.cue.slot_name or self.cue.title,
                    self.cue.air_date, "the database is busy" if self.env.writer.busy else "late")
                break
            opened.done.wait(min(remaining, 0.05))
        if scheduled is not None:
            clock.wait_until(scheduled, self._stop)
        self._pump = pump  # from here on, interrupt() stops the pump itself
        if self._stop.is_set():
            self._pump = None
            return False
        started_mono = pump.start()
        self._started_wall = clock.now() - timedelta(seconds=clock.monotonic() - started_mono)
        if scheduled is not None:
            late = (self._started_wall - scheduled).total_seconds() * 1000
            log.info("%s %s started %.1f ms late", self.cue.slot_name, self.cue.air_date, late)
        started_wall = self._started_wall
        journal.update(key, 0, started_wall, started_at=started_wall)
        self._write(lambda s: self.row_id and asrun.mark_started(s, self.row_id, started_wall),
                    "start time")
        last_progress = clock.monotonic()
        while not pump.wait(self._watch_hard_start(pump)):
            self._follow_items(pump.position_ms(), final=False,
                               outputs=[o.name for o in self.outputs if o.error is None])
            if clock.monotonic() - last_progress >= PROGRESS_SECONDS:
                last_progress = clock.monotonic()
                played, at = pump.played_ms(), clock.now()
                if self.env.writer.busy or not opened.ok:  # else the database has it
                    journal.update(key, played, at)
                self._write(lambda s: self.row_id and asrun.progress(s, self.row_id, played, at),
                            "progress", key=("progress", id(self)))
        return True

    def _watch_hard_start(self, pump: Pump) -> float:
        """Fade out in time for the next slot's instant (never an emergency's airing); return how
        long to wait before looking again."""
        if self.cue.trigger is Trigger.EMERGENCY or self._cut_reason:
            return TICK_SECONDS
        hard = self.env.next_start(self.cue)
        if hard is None:
            return TICK_SECONDS
        fade_at = hard - HANDOVER - timedelta(milliseconds=FADE_MS + LEAD_MS)
        left = (fade_at - self.env.clock.now()).total_seconds()
        if left > 0:
            return min(TICK_SECONDS, left)
        self._cut_reason = HARD_START
        pump.fade_out()
        log.info("%s %s: fading out for the hard start at %s", self.cue.trigger.value,
                 self.cue.slot_name or self.cue.title, hard.isoformat())
        return TICK_SECONDS

    def _write(self, fn: Callable[[Session], object], what: str, key: object = None) -> Pending:
        label = f"{what} of {self.cue.trigger.value} {self.cue.slot_name or self.cue.title} {self.cue.air_date}"
        return self.env.writer.submit(fn, label, key=key)

    def _open_row(self, session: Session) -> int:
        self.row_id = asrun.open_row(session, self.env.station_id, self.cue.facts(),
                                     outputs=[o.name for o in self.outputs], track_progress=True,
                                     journal_key=self._journal_key)
        return self.row_id

    def _at(self, position_ms: int) -> datetime:
        assert self._started_wall is not None
        return self._started_wall + timedelta(milliseconds=position_ms - self.cue.start_ms)

    def _follow_items(self, position: int, final: bool, status: AsRunStatus = AsRunStatus.PLAYED,
                      outputs: Sequence[str] = (), error: str = "") -> None:
        """Open the rows of items that began, close those that ended (all, when final)."""
        for index, item in enumerate(self.cue.items):
            if index in self._done_items or item.offset_ms < self.cue.start_ms:
                continue
            if item.offset_ms > position or (item.offset_ms == position and final
                                             and status is not AsRunStatus.PLAYED):
                continue
            ended = position >= item.end_ms
            if not ended and not final:
                if index not in self._open_items:
                    self._open_items.add(index)
                    self._write(functools.partial(self._open_item, index, self._at(item.offset_ms)),
                                f"item {index + 1} start")
                continue
            self._open_items.discard(index)
            self._done_items.add(index)
            item_status = AsRunStatus.PLAYED if ended else status
            played = min(item.duration_ms, position - item.offset_ms)
            self._write(functools.partial(self._close_item, index, item_status,
                                          self._at(item.offset_ms), self._at(min(position, item.end_ms)),
                                          played, list(outputs), "" if ended else error),
                        f"item {index + 1} end")

    def _unreached(self, position: int, status: AsRunStatus, reason: str) -> None:
        """Log the items the airing never reached (cut at a hard start, or not in a short file)."""
        now = self.env.clock.now()
        for index, item in enumerate(self.cue.items):
            if index in self._done_items or item.offset_ms < max(position, self.cue.start_ms):
                continue
            self._done_items.add(index)
            self._write(lambda s, item=item: self.row_id and asrun.closed_row(
                s, self.env.station_id, self.cue.item_facts(item, self.row_id), status,
                started_at=None, ended_at=now, played_ms=0, error=reason),
                f"item {index + 1} {status.value}")

    def _short(self, position: int) -> bool:
        """Whether the audio ended well before the approved programme's length (a damaged file)."""
        return bool(self.cue.expected_ms) and position < self.cue.expected_ms - SHORT_TOLERANCE_MS

    def _open_item(self, index: int, started_at: datetime, session: Session) -> None:
        if self.row_id is not None:
            self._item_rows[index] = asrun.open_row(
                session, self.env.station_id, self.cue.item_facts(self.cue.items[index], self.row_id),
                started_at=started_at)

    def _close_item(self, index: int, status: AsRunStatus, started_at: datetime, ended_at: datetime,
                    played: int, outputs: list[str], error: str, session: Session) -> None:
        row_id = self._item_rows.get(index)
        if row_id is not None:
            asrun.close_row(session, row_id, status, ended_at=ended_at, played_ms=played,
                            outputs=outputs or None, error=error)
        elif self.row_id is not None:
            asrun.closed_row(session, self.env.station_id,
                             self.cue.item_facts(self.cue.items[index], self.row_id), status,
                             started_at=started_at, ended_at=ended_at, played_ms=played,
                             outputs=outputs, error=error)

    def _close_outputs(self) -> None:
        threads = [threading.Thread(target=o.close, daemon=True) for o in self.outputs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _finish(self, pump: Pump | None, started: bool) -> Outcome:
        clock = self.env.clock
        if pump is not None:
            if started:
                pump.stop()  # a no-op after a normal end; after a fault it must not play on
                pump.wait()
            else:
                pump.discard()
        self._close_outputs()
        played = pump.played_ms() if started and pump is not None else 0
        position = self.cue.start_ms + played
        ok = [o.name for o in self.outputs if o.error is None]
        errors = [o.error for o in self.outputs if o.error]
        result = pump.result if pump is not None else None
        if not started and self._fault:
            status = AsRunStatus.FAILED
            errors.insert(0, self._fault)
        elif result == STOPPED or not started:
            status = AsRunStatus.INTERRUPTED
            errors.insert(0, self._interrupt_reason or "bị ngắt")
        elif result == CUT and ok:
            status = AsRunStatus.PARTIAL
            errors.insert(0, self._cut_reason)
        elif result == DONE and ok and self._short(position):
            status = AsRunStatus.PARTIAL
            errors.insert(0, SHORT.format(played=position / 1000, expected=self.cue.expected_ms / 1000))
        elif result == DONE and ok:
            status = AsRunStatus.EMERGENCY if self.cue.trigger is Trigger.EMERGENCY else AsRunStatus.PLAYED
        elif played < 100:
            status = AsRunStatus.FAILED
            errors.insert(0, "không phát được ra ngõ ra nào")
        else:
            status = AsRunStatus.PARTIAL
            errors.insert(0, "mọi ngõ ra đều lỗi giữa chừng")
        error = "; ".join(errors)
        item_status = AsRunStatus.INTERRUPTED if status is AsRunStatus.INTERRUPTED else AsRunStatus.PARTIAL
        if started:
            self._follow_items(position, final=True, status=item_status, outputs=ok,
                               error=errors[0] if errors else "")
            if result == CUT:
                self._unreached(position, AsRunStatus.MISSED, self._cut_reason)
            elif result == DONE and self._short(position):
                self._unreached(position, AsRunStatus.FAILED, NOT_IN_FILE)
        ended_at = self._at(position) if started else clock.now()
        facts, station_id = self.cue.facts(), self.env.station_id

        def close(session: Session) -> int:
            if self.row_id is None:  # the STARTED row could not be written at all: write it whole
                self.row_id = asrun.closed_row(session, station_id, facts, status,
                                               started_at=self._started_wall, ended_at=ended_at,
                                               played_ms=played, outputs=ok, error=error,
                                               journal_key=self._journal_key)
            else:
                asrun.close_row(session, self.row_id, status, ended_at=ended_at, played_ms=played,
                                outputs=ok, error=error)
            return self.row_id

        if self.monitor is not None:
            self.monitor.close()  # its last note is queued before the row's closing
        if self._journal_key is not None:
            self.env.journal.finish(self._journal_key, status, item_status, error, played,
                                    ended_at, ok)
        self.written = written = self._write(close, f"{status.value} row")
        if self._journal_key is not None:
            key, journal = self._journal_key, self.env.journal
            self.env.writer.call(lambda: written.ok and journal.done(key), "journal: row closed")
        log.info("%s %s %s, %.1f s aired on %s%s", self.cue.trigger.value,
                 self.cue.slot_name or self.cue.title, status.value, played / 1000,
                 ",".join(ok) or "nothing", f" ({error[:200]})" if error else "")
        self.outcome = Outcome(status, self.row_id, position, played, error, ok)
        return self.outcome

    def _failed_before_audio(self, reason: str) -> Outcome:
        now = self.env.clock.now()
        station_id, cue = self.env.station_id, self.cue

        def write(session: Session) -> int:
            self.row_id = asrun.closed_row(session, station_id, cue.facts(), AsRunStatus.FAILED,
                                           started_at=None, ended_at=now, played_ms=0, error=reason)
            for item in cue.items:
                if item.offset_ms >= cue.start_ms:
                    asrun.closed_row(session, station_id, cue.item_facts(item, self.row_id),
                                     AsRunStatus.FAILED, started_at=None, ended_at=now,
                                     played_ms=0, error=reason)
            return self.row_id

        self.written = self._write(write, "FAILED row")
        log.warning("%s %s FAILED: %s", self.cue.trigger.value, self.cue.slot_name or self.cue.title,
                    reason)
        self.outcome = Outcome(AsRunStatus.FAILED, self.row_id, self.cue.start_ms, 0, reason)
        return self.outcome
