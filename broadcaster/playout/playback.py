"""One airing: prepare the audio, log STARTED, start at the instant, follow the items, log the end.

A `Cue` says what to air and how to log it; a `Playback` airs one cue once. The daemon decides
when a playback may take the air (see daemon.Air); the playback itself never decides policy.
"""

from __future__ import annotations

import logging
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable, Sequence

from sqlalchemy.orm import Session

from broadcaster.db.models import AsRunStatus, Trigger
from broadcaster.playout import asrun
from broadcaster.playout.clock import Clock
from broadcaster.playout.errors import PlayoutError
from broadcaster.playout.outputs import Output
from broadcaster.playout.programme import Prepared, prepare
from broadcaster.playout.pump import DONE, STOPPED, Pump

log = logging.getLogger(__name__)

ROW_BEFORE_START = timedelta(seconds=1.0)  # the STARTED row is committed this long before audio
PROGRESS_SECONDS = 1.0
TICK_SECONDS = 0.25


@dataclass(frozen=True)
class ItemCue:
    bulletin_id: int | None
    title: str
    topic_code: str
    source: str
    offset_ms: int
    duration_ms: int

    @property
    def end_ms(self) -> int:
        return self.offset_ms + self.duration_ms


@dataclass(frozen=True)
class Cue:
    """What to air and how to log it."""

    trigger: Trigger
    source: Path                        # the audio file
    cache_key: str                      # name of its decoded copy in the cache
    air_date: date
    aircheck_name: str                  # file name (no extension) of the air-check recording
    title: str = ""
    slot_name: str = ""
    plan_id: int | None = None
    plan_version: int | None = None
    content_hash: str = ""
    items: tuple[ItemCue, ...] = ()
    scheduled_at: datetime | None = None  # the instant to start at; None = as soon as possible
    start_ms: int = 0                   # resume from here
    ends_at: datetime | None = None     # end of the slot window
    operator: str = ""
    bulletin_id: int | None = None
    topic_code: str = ""
    source_kind: str = ""
    request_id: int | None = None

    def facts(self) -> asrun.RowFacts:
        return asrun.RowFacts(kind="slot", trigger=self.trigger, air_date=self.air_date,
                              slot_name=self.slot_name, title=self.title, plan_id=self.plan_id,
                              plan_version=self.plan_version, content_hash=self.content_hash,
                              bulletin_id=self.bulletin_id, topic_code=self.topic_code,
                              source=self.source_kind, scheduled_at=self.scheduled_at,
                              offset_ms=self.start_ms, operator=self.operator)

    def item_facts(self, item: ItemCue, parent_id: int) -> asrun.RowFacts:
        scheduled = (self.scheduled_at + timedelta(milliseconds=item.offset_ms)
                     if self.scheduled_at and not self.start_ms else None)
        return asrun.RowFacts(kind="item", trigger=self.trigger, air_date=self.air_date,
                              slot_name=self.slot_name, title=item.title, plan_id=self.plan_id,
                              plan_version=self.plan_version, content_hash=self.content_hash,
                              bulletin_id=item.bulletin_id, topic_code=item.topic_code,
                              source=item.source, scheduled_at=scheduled, offset_ms=item.offset_ms,
                              duration_ms=item.duration_ms, operator=self.operator,
                              parent_id=parent_id)


def resume_point(items: Sequence[ItemCue], position_ms: int) -> int | None:
    """Where a cut programme resumes: the start of the item cut (or the next one, if cut in a gap);
    0 when cut before the first item; None when every item had aired."""
    ordered = sorted(items, key=lambda i: i.offset_ms)
    for index, item in enumerate(ordered):
        if position_ms < item.end_ms:
            return 0 if index == 0 and position_ms < item.offset_ms else item.offset_ms
    return None


@dataclass
class Outcome:
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


class Playback:
    def __init__(self, cue: Cue, env: Env):
        self.cue = cue
        self.env = env
        self.prepared: Prepared | None = None
        self.prepare_error = ""
        self.outputs: list[Output] = []
        self.outcome: Outcome | None = None
        self.preempted: Playback | None = None  # what this (emergency) playback cut in on
        self.row_id: int | None = None
        self._pump: Pump | None = None
        self._stop = threading.Event()
        self._interrupt_reason = ""
        self._open_items: dict[int, int] = {}   # item index -> open as-run row id
        self._done_items: set[int] = set()
        self._started_wall: datetime | None = None

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
        item = next((self.cue.items[i].title for i in list(self._open_items)), None)
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

    def run(self) -> Outcome:
        """Air the cue (the caller holds the air) and log it; never raises for an audio fault."""
        self.prepare()
        clock = self.env.clock
        if self.prepared is None:
            return self._failed_before_audio(self.prepare_error)
        self.outputs = self.env.make_outputs(self.cue)
        if not self.outputs:
            return self._failed_before_audio("không có ngõ ra nào được bật (playout.outputs)")
        for output in self.outputs:
            output.open()
        pump = Pump(self.prepared, self.outputs, self.cue.start_ms)
        scheduled = self.cue.scheduled_at
        if scheduled is not None and not self.cue.start_ms:
            clock.wait_until(scheduled - ROW_BEFORE_START, self._stop)
        with self.env.session() as session:
            self.row_id = asrun.open_row(session, self.env.station_id, self.cue.facts(),
                                         outputs=[o.name for o in self.outputs], track_progress=True)
        if scheduled is not None and not self.cue.start_ms:
            clock.wait_until(scheduled, self._stop)
        if self._stop.is_set():
            return self._finish(pump, started=False)
        self._pump = pump
        started_mono = pump.start()
        self._started_wall = clock.now() - timedelta(seconds=clock.monotonic() - started_mono)
        if scheduled is not None and not self.cue.start_ms:
            late = (self._started_wall - scheduled).total_seconds() * 1000
            log.info("as-run %s: %s %s started %.1f ms late", self.row_id, self.cue.slot_name,
                     self.cue.air_date, late)
        with self.env.session() as session:
            asrun.mark_started(session, self.row_id, self._started_wall)
        last_progress = clock.monotonic()
        while not pump.wait(TICK_SECONDS):
            self._follow_items(pump.position_ms(), final=False,
                               outputs=[o.name for o in self.outputs if o.error is None])
            if clock.monotonic() - last_progress >= PROGRESS_SECONDS:
                last_progress = clock.monotonic()
                with self.env.session() as session:
                    asrun.progress(session, self.row_id, pump.played_ms(), clock.now())
        return self._finish(pump, started=True)

    def _at(self, position_ms: int) -> datetime:
        assert self._started_wall is not None
        return self._started_wall + timedelta(milliseconds=position_ms - self.cue.start_ms)

    def _follow_items(self, position: int, final: bool, status: AsRunStatus = AsRunStatus.PLAYED,
                      outputs: Sequence[str] = ()) -> None:
        """Open the rows of items that began, close those that ended (all, when final)."""
        with self.env.session() as session:
            for index, item in enumerate(self.cue.items):
                if index in self._done_items or item.offset_ms < self.cue.start_ms:
                    continue
                if item.offset_ms > position or (item.offset_ms == position and final
                                                 and status is not AsRunStatus.PLAYED):
                    continue
                ended = position >= item.end_ms
                if not ended and not final:
                    if index not in self._open_items:
                        self._open_items[index] = asrun.open_row(
                            session, self.env.station_id, self.cue.item_facts(item, self.row_id),
                            started_at=self._at(item.offset_ms))
                    continue
                item_status = AsRunStatus.PLAYED if ended else status
                played = min(item.duration_ms, position - item.offset_ms)
                ended_at = self._at(min(position, item.end_ms))
                if index in self._open_items:
                    asrun.close_row(session, self._open_items.pop(index), item_status,
                                    ended_at=ended_at, played_ms=played, outputs=outputs or None)
                else:
                    asrun.closed_row(session, self.env.station_id,
                                     self.cue.item_facts(item, self.row_id), item_status,
                                     started_at=self._at(item.offset_ms), ended_at=ended_at,
                                     played_ms=played, outputs=outputs)
                self._done_items.add(index)

    def _close_outputs(self) -> None:
        threads = [threading.Thread(target=o.close, daemon=True) for o in self.outputs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _finish(self, pump: Pump, started: bool) -> Outcome:
        clock = self.env.clock
        if not started:
            pump.discard()
        self._close_outputs()
        played = pump.played_ms() if started else 0
        position = self.cue.start_ms + played
        ok = [o.name for o in self.outputs if o.error is None]
        errors = [o.error for o in self.outputs if o.error]
        if pump.result == STOPPED or not started:
            status = AsRunStatus.INTERRUPTED
            errors.insert(0, self._interrupt_reason or "bị ngắt")
        elif pump.result == DONE and ok:
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
            self._follow_items(position, final=True, status=item_status, outputs=ok)
        ended_at = self._at(position) if started else clock.now()
        with self.env.session() as session:
            asrun.close_row(session, self.row_id, status, ended_at=ended_at, played_ms=played,
                            outputs=ok, error=error)
        log.info("as-run %s: %s %s %s, %.1f s aired on %s%s", self.row_id, self.cue.trigger.value,
                 self.cue.slot_name or self.cue.title, status.value, played / 1000,
                 ",".join(ok) or "nothing", f" ({error[:200]})" if error else "")
        self.outcome = Outcome(status, self.row_id, position, played, error, ok)
        return self.outcome

    def _failed_before_audio(self, reason: str) -> Outcome:
        now = self.env.clock.now()
        with self.env.session() as session:
            self.row_id = asrun.closed_row(session, self.env.station_id, self.cue.facts(),
                                           AsRunStatus.FAILED, started_at=None, ended_at=now,
                                           played_ms=0, error=reason)
            for item in self.cue.items:
                if item.offset_ms >= self.cue.start_ms:
                    asrun.closed_row(session, self.env.station_id,
                                     self.cue.item_facts(item, self.row_id), AsRunStatus.FAILED,
                                     started_at=None, ended_at=now, played_ms=0, error=reason)
        log.warning("as-run %s: %s %s FAILED: %s", self.row_id, self.cue.trigger.value,
                    self.cue.slot_name or self.cue.title, reason)
        self.outcome = Outcome(AsRunStatus.FAILED, self.row_id, self.cue.start_ms, 0, reason)
        return self.outcome


def resumed(cue: Cue, start_ms: int) -> Cue:
    """The same programme again from an item's start, as soon as possible."""
    return replace(cue, start_ms=start_ms, aircheck_name=f"{cue.aircheck_name}-resume")
