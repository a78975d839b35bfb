"""The playout daemon: an APScheduler scheduler that airs the approved plans at their slot times.

Jobs are reconciled from the database (the truth) at start, every `playout.reconcile_seconds`, and
within `CHANGE_SECONDS` of any change to plans or slots, which a cheap fingerprint query detects.
Play requests and the heartbeat are handled by a one-second poll job.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Sequence
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from broadcaster.cli.context import StationContext
from broadcaster.db.models import AsRunStatus, DayPlan, Trigger
from broadcaster.db.playout_models import PlayRequest
from broadcaster.planning.airable import airable_plan
from broadcaster.playout import asrun, heartbeat, reconcile, requests
from broadcaster.playout.air import Air
from broadcaster.playout.clock import Clock
from broadcaster.playout.cues import request_cue, slot_cue
from broadcaster.playout.errors import PlayoutError
from broadcaster.playout.lock import StationLock
from broadcaster.playout.outputs import (OUTPUT_NAMES, AircheckOutput, Output, check_device,
                                         device_backend, device_output, icecast_output)
from broadcaster.playout.playback import Cue, Env, Playback
from broadcaster.playout.programme import cleanup_cache, prepare
from broadcaster.playout.resume import ResumePolicy

log = logging.getLogger(__name__)

CHANGE_SECONDS = 2.0
MANUAL_WAIT_SECONDS = 3600
STOP_REASON = "tiến trình phát được dừng (Ctrl+C hoặc tắt dịch vụ)"
EMERGENCY_REASON = "bị ngắt để phát khẩn cấp (yêu cầu số {id})"
OTHER_DAEMON = ("tiến trình phát của đài đang chạy (pid {pid} trên máy {host}, tín hiệu cuối lúc "
                "{seen}); mỗi đài chỉ chạy một tiến trình phát, nếu không mọi buổi sẽ phát hai lần. "
                "Hãy dùng tiến trình đang chạy, hoặc dừng nó trước.")


class Daemon:
    def __init__(self, ctx: StationContext, outputs: Sequence[str] | None = None,
                 clock: Clock | None = None, reconcile_seconds: float | None = None,
                 poll_seconds: float = 1.0, echo: Callable[[str], None] = log.warning):
        self.ctx = ctx
        self.settings = ctx.settings
        self.clock = clock or Clock()
        self.echo = echo
        names = list(dict.fromkeys(outputs or self.settings["playout.outputs"]))
        unknown = [n for n in names if n not in OUTPUT_NAMES]
        if unknown:
            raise PlayoutError(f"ngõ ra không hợp lệ: {', '.join(unknown)} "
                               f"(chọn trong: {', '.join(OUTPUT_NAMES)}).")
        if "device" in names:
            device_backend(self.settings["playout.device"])  # a bad setting stops the start
        self.output_names = names
        self.reconcile_seconds = reconcile_seconds or self.settings["playout.reconcile_seconds"]
        self.poll_seconds = poll_seconds
        self.home: Path = self.settings.home
        self.cache_dir = self.home / "playout" / "cache"
        self.air = Air()
        self.lock = StationLock(self.home)
        self.notes: list[str] = []
        self.last_outputs: dict[str, str] = {}
        self.scheduler = BackgroundScheduler(
            timezone=timezone.utc, jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(2), "air": ThreadPoolExecutor(8),
                       "prepare": ThreadPoolExecutor(1)},  # one decode at a time, never blocking the poll
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})
        self._busy: set[tuple[date, str]] = set()
        self._slot_lock = threading.Lock()
        self._reconcile_lock = threading.Lock()  # the timer and a noticed change may coincide
        self._fingerprint = ""
        self._last_change_check = 0.0
        self._started_at = self.clock.now()
        self.instance = uuid.uuid4().hex
        self.station_id = 0
        self.zone = "Asia/Ho_Chi_Minh"
        self.resume = ResumePolicy(self)

    # --- life cycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Take the station's lock, recover from a previous run, reconcile the jobs and start."""
        self.lock.acquire()  # before anything else: a second daemon must not touch the rows
        try:
            self._start()
        except BaseException:
            self.lock.release()
            raise

    def _start(self) -> None:
        now = self.clock.now()
        with self.ctx.session() as session:
            station = self.ctx.station(session)
            self.station_id, self.zone = station.id, station.timezone
            other = heartbeat.other_daemon_running(session, station.id, now, self.instance)
            if other is not None:
                raise PlayoutError(OTHER_DAEMON.format(
                    pid=other.pid, host=other.host,
                    seen=other.seen_at.astimezone(ZoneInfo(self.zone)).strftime("%H:%M:%S %d/%m")))
            heartbeat.write_heartbeat(session, station.id, self._started_at, now, self._state())
        if "device" in self.output_names:
            reason = check_device(self.settings["playout.device"])
            if reason:
                others = [n for n in self.output_names if n != "device"]
                note = (f"Không phát được ra card âm thanh ({reason}). "
                        + (f"Đài vẫn phát qua các ngõ ra khác: {', '.join(others)}."
                           if others else "Không còn ngõ ra nào khác: các buổi phát sẽ bị ghi lỗi."))
                self.notes.append(note)
                self.echo(note)
        with self.ctx.session() as session:
            crashed = asrun.close_crashed_rows(session, self.station_id, now)
        for row in crashed:
            log.warning("closed as-run %s (%s %s) left open by the previous run: INTERRUPTED at %d ms",
                        row.row_id, row.slot_name, row.air_date, row.position_ms)
        self.resume.after_restart({row.row_id for row in crashed}, STOP_REASON)
        self.reconcile()
        self.scheduler.add_job(self.reconcile, "interval", seconds=self.reconcile_seconds,
                               id="reconcile")
        self.scheduler.add_job(self.poll, "interval", seconds=self.poll_seconds, id="poll")
        self.scheduler.start()
        log.info("playout daemon started for station %s with outputs %s", self.station_id,
                 ",".join(self.output_names))

    def stop(self) -> None:
        """Cut what is airing (logged INTERRUPTED), wait for the jobs, let go of the lock."""
        self.air.close(STOP_REASON)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        self.lock.release()
        log.info("playout daemon stopped")

    def run_forever(self, on_started: Callable[[], None] | None = None) -> None:
        """Run until SIGINT or SIGTERM."""
        stopping = threading.Event()
        previous = {sig: signal.signal(sig, lambda *_: stopping.set())
                    for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.start()
            if on_started is not None:
                on_started()
            while not stopping.wait(1):
                pass
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    # --- periodic jobs --------------------------------------------------------------------------
    def reconcile(self) -> None:
        """Make the slot jobs match the airable plans; log the slots whose grace ended unaired."""
        with self._reconcile_lock:
            self._reconcile()

    def _reconcile(self) -> None:
        now = self.clock.now()
        with self.ctx.session() as session:
            station = self.ctx.station(session)
            self._fingerprint = reconcile.fingerprint(session, station.id)
            cases = reconcile.gather(session, station, self.settings["planning.unapproved"], now)
            with self._slot_lock:
                busy = frozenset(self._busy)
            jobs, missed = reconcile.decide(cases, now, busy)
            for verdict in missed:
                self._log_missed(session, station, verdict.case, verdict.reason, now)
        existing = {job.id: job for job in self.scheduler.get_jobs() if job.id.startswith("slot:")}
        for ident in existing.keys() - jobs.keys():
            log.info("removing job %s: its plan is no longer airable", ident)
            self.scheduler.remove_job(ident)
        for ident, spec in jobs.items():
            job = existing.get(ident)
            if job is None:
                log.info("adding job %s for %s %s at %s", ident, spec.slot_name, spec.air_date,
                         spec.starts_at.isoformat())
                self.scheduler.add_job(self._air_slot, "date", run_date=spec.run_at, id=ident,
                                       executor="air", args=[spec.plan_id, spec.air_date,
                                                             spec.slot_name])
                self.scheduler.add_job(self._prepare_plan, "date", run_date=now,
                                       id=f"prepare:{spec.plan_id}:v{spec.plan_version}",
                                       executor="prepare", args=[spec.plan_id],
                                       replace_existing=True)
            elif job.next_run_time and abs((job.next_run_time - spec.run_at).total_seconds()) > 0.5:
                job.reschedule("date", run_date=spec.run_at)  # the slot's time was changed
        cleanup_cache(self.cache_dir)

    def poll(self) -> None:
        """Every second: take play requests, notice plan changes, write the heartbeat."""
        now = self.clock.now()
        with self.ctx.session() as session:
            for request in requests.pending_requests(session, self.station_id):
                if requests.take_request(session, request.id, now):
                    self.scheduler.add_job(self._air_request, "date", run_date=now,
                                           id=f"request:{request.id}", executor="air",
                                           args=[request.id])
            changed = False
            if time.monotonic() - self._last_change_check >= CHANGE_SECONDS:
                self._last_change_check = time.monotonic()
                changed = reconcile.fingerprint(session, self.station_id) != self._fingerprint
            heartbeat.write_heartbeat(session, self.station_id, self._started_at, now, self._state())
        if changed:
            log.info("plans or slots changed: reconciling")
            self.reconcile()

    def _state(self) -> dict:
        current = self.air.current
        playing = current.state() if current is not None else None
        if playing is not None:
            self.last_outputs = playing["outputs"] or self.last_outputs
        slots = [j for j in self.scheduler.get_jobs() if j.id.startswith("slot:") and j.next_run_time]
        upcoming = min(slots, key=lambda j: j.next_run_time, default=None)
        return {"instance": self.instance, "playing": playing, "outputs": self.last_outputs or {n: "chưa phát" for n in self.output_names},
                "output_names": self.output_names, "notes": self.notes,
                "next": None if upcoming is None else {
                    "slot": upcoming.args[2], "air_date": upcoming.args[1].isoformat(),
                    "job_id": upcoming.id,
                    "starts_at": (upcoming.next_run_time.astimezone(timezone.utc)
                                  + timedelta(seconds=reconcile.LEAD_SECONDS)).isoformat()}}

    # --- airing -------------------------------------------------------------------------------
    def env(self) -> Env:
        return Env(self.ctx.session, self.station_id, self.cache_dir, self.clock, self._make_outputs)

    def _make_outputs(self, cue: Cue) -> list[Output]:
        made: list[Output] = []
        for name in self.output_names:
            if name == "device":
                made.append(device_output(self.settings["playout.device"]))
            elif name == "icecast":
                made.append(icecast_output(self.settings))
            elif name == "aircheck":
                made.append(AircheckOutput(self._aircheck_path(cue)))
        return made

    def _aircheck_path(self, cue: Cue) -> Path:
        folder = self.home / "aircheck" / cue.air_date.isoformat()
        path, number = folder / f"{cue.aircheck_name}.mp3", 1
        while path.exists():
            number += 1
            path = folder / f"{cue.aircheck_name}-{number}.mp3"
        return path

    def _prepare_plan(self, plan_id: int) -> None:
        """Decode a plan's programme ahead of its slot (errors are logged again when it airs)."""
        with self.ctx.session() as session:
            plan = session.get(DayPlan, plan_id)
            if plan is None or not plan.programme_path:
                return
            source, key = self.home / plan.programme_path, f"plan{plan.id}-v{plan.version}"
        try:
            prepare(source, self.cache_dir, key)
        except PlayoutError as exc:
            log.warning("programme of plan %s cannot be prepared: %s", plan_id, exc)

    def _air_slot(self, plan_id: int, air_date: date, slot_name: str) -> None:
        key = (air_date, slot_name)
        with self._slot_lock:
            if key in self._busy:
                return
            self._busy.add(key)
        try:
            with self.ctx.session() as session:
                station = self.ctx.station(session)
                instance = reconcile.find_instance(session, station, air_date, slot_name)
                if instance is None or asrun.slot_rows(session, station.id, air_date, slot_name):
                    return
                planned = session.get(DayPlan, plan_id)
                plan = planned and airable_plan(session, station.id, air_date, planned.slot_id,
                                                self.settings["planning.unapproved"])
                if plan is None or plan.id != plan_id:
                    return  # changed since the job was made; the next reconcile knows better
                cue = slot_cue(session, plan, instance, self.home)
            playback = Playback(cue, self.env())
            playback.prepare()
            if not self.air.claim(playback, deadline=self.clock.monotonic_at(instance.grace_ends_at)):
                if not self.air.closed:
                    self._log_missed_cue(cue, "đang phát nội dung khác (khẩn cấp hoặc thủ công) "
                                              "đến hết thời gian cho phép trễ")
                return
            try:
                if self.clock.now() > instance.grace_ends_at:
                    self._log_missed_cue(cue, reconcile.TOO_LATE.format(grace=instance.slot.grace_seconds))
                    return
                playback.run()
            finally:
                self.air.release(playback)
        finally:
            with self._slot_lock:
                self._busy.discard(key)

    def _air_request(self, request_id: int) -> None:
        now = self.clock.now()
        with self.ctx.session() as session:
            request = session.get(PlayRequest, request_id)
            cue = request_cue(session, request, self.home, now, self.zone)
            emergency = request.emergency
        playback = Playback(cue, self.env())
        playback.prepare()
        deadline = None if emergency else self.clock.monotonic() + MANUAL_WAIT_SECONDS
        if not self.air.claim(playback, deadline, emergency,
                              reason=EMERGENCY_REASON.format(id=request_id)):
            with self.ctx.session() as session:
                requests.finish_request(session, request_id, self.clock.now(), None,
                                        "không tới lượt phát (đài đang dừng hoặc chờ quá lâu)")
            return
        current = playback
        try:
            outcome = playback.run()
            cut = playback.preempted
            if cut is not None and cut.outcome is not None:
                follow = self.resume.after_cut(cut.cue, cut.outcome)
                if follow is not None:
                    current = Playback(follow, self.env())
                    current.prepare()
                    self.air.handover(playback, current)
                    current.run()
        finally:
            self.air.release(current)
        with self.ctx.session() as session:
            requests.finish_request(session, request_id, self.clock.now(), outcome.row_id,
                                    outcome.error if outcome.status is AsRunStatus.FAILED else "")

    def air_resumed(self, cue: Cue) -> None:
        """Air a resumed slot once the air is free (after a restart), inside its window."""
        playback = Playback(cue, self.env())
        playback.prepare()
        deadline = self.clock.monotonic_at(cue.ends_at) if cue.ends_at else None
        if not self.air.claim(playback, deadline):
            return
        try:
            playback.run()
        finally:
            self.air.release(playback)

    # --- misses -------------------------------------------------------------------------------
    def _log_missed(self, session, station, case: reconcile.SlotCase, reason: str, now: datetime) -> None:
        if asrun.slot_rows(session, station.id, case.instance.local_date, case.instance.slot.name):
            return
        plan = (session.get(DayPlan, case.plan_id) if case.plan_id else session.scalar(
            select(DayPlan).where(DayPlan.station_id == station.id,
                                  DayPlan.air_date == case.instance.local_date,
                                  DayPlan.slot_id == case.slot_id).order_by(DayPlan.version.desc())))
        cue = slot_cue(session, plan, case.instance, self.home)
        self._write_missed(session, cue, reason, now, with_items=case.plan_id is not None)

    def _log_missed_cue(self, cue: Cue, reason: str) -> None:
        with self.ctx.session() as session:
            self._write_missed(session, cue, reason, self.clock.now(), with_items=True)

    def _write_missed(self, session, cue: Cue, reason: str, now: datetime, with_items: bool) -> None:
        row_id = asrun.closed_row(session, self.station_id, cue.facts(), AsRunStatus.MISSED,
                                  started_at=None, ended_at=now, played_ms=0, error=reason)
        for item in cue.items if with_items else ():
            asrun.closed_row(session, self.station_id, cue.item_facts(item, row_id),
                             AsRunStatus.MISSED, started_at=None, ended_at=now, played_ms=0,
                             error=reason)
        log.warning("as-run %s: slot %s %s MISSED: %s", row_id, cue.slot_name, cue.air_date, reason)
