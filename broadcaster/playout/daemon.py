"""The playout daemon: an APScheduler scheduler that airs the approved plans at their slot times.

Jobs are reconciled from the database (the truth) at start, every `playout.reconcile_seconds`, and
within `CHANGE_SECONDS` of any change to plans or slots, which a cheap fingerprint query detects.
Play requests and the heartbeat are handled by a one-second poll job; what happens to a request
once taken is in `manual` (RequestedPlays), and the MISSED rows are written by `missed`.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
import uuid
from contextlib import AbstractContextManager
from datetime import date, timedelta, timezone
from pathlib import Path
from typing import Callable, Protocol, Sequence
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from broadcaster.db.models import DayPlan, Station
from broadcaster.home import Home
from broadcaster.planning.versions import airable_plan
from broadcaster.playout import asrun, heartbeat, reconcile, requests
from broadcaster.playout.air import Air
from broadcaster.playout.dbwrite import Writer, retryable
from broadcaster.playout.lock import StationLock
from broadcaster.playout.clock import Clock
from broadcaster.playout.errors import PlayoutError
from broadcaster.playout.journal import Journal
from broadcaster.playout.manual import ManualEnv, RequestedPlays
from broadcaster.playout.missed import log_missed, log_missed_cue
from broadcaster.playout.outputs import (OUTPUT_NAMES, AircheckOutput, Output, check_device,
                                         device_backend, device_output, icecast_output)
from broadcaster.playout.cues import Cue, slot_cue
from broadcaster.playout.playback import Env, Playback
from broadcaster.playout.programme import cleanup_cache, prepare
from broadcaster.playout.resume import Resume, ResumeEnv, ResumePolicy
from broadcaster.settings import Settings

log = logging.getLogger(__name__)

CHANGE_SECONDS = 2.0
STOP_WRITE_SECONDS = 20.0      # at stop, time left to the database to take the last as-run writes
STOP_REASON = "tiến trình phát được dừng (Ctrl+C hoặc tắt dịch vụ)"
BUSY_REASON = ("đang phát nội dung khác (khẩn cấp hoặc thủ công) đến hết thời gian cho phép trễ")
RESUME_MISSED = ("không phát tiếp được từ giây {seconds:.1f}: đang phát nội dung khác đến hết khung "
                 "giờ của buổi")
OTHER_DAEMON = ("tiến trình phát của đài đang chạy (pid {pid} trên máy {host}, tín hiệu cuối lúc "
                "{seen}); mỗi đài chỉ chạy một tiến trình phát, nếu không mọi buổi sẽ phát hai lần. "
                "Hãy dùng tiến trình đang chạy, hoặc dừng nó trước.")


class StationPort(Protocol):
    """What the daemon needs of its station (broadcaster.station.context.StationContext)."""

    settings: Settings
    home: Home

    def session(self) -> AbstractContextManager[Session]: ...

    def station(self, session: Session) -> Station: ...


class Daemon:
    def __init__(self, ctx: StationPort, outputs: Sequence[str] | None = None,
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
        self.home = ctx.home
        self.cache_dir = self.home.playout_cache
        self.journal = Journal(self.home.journal)
        self.air = Air()
        self.lock = StationLock(self.home.playout_lock)
        self.writer = Writer(ctx.session, name="asrun-writer")
        self.notes: list[str] = []
        self.last_outputs: dict[str, str] = {}
        # Slots and resumed slots wait for the air in "air" (a slot parks its thread at most until
        # its grace ends); emergencies have their own threads; manual plays are decoded in
        # "prepare" and then wait in Air's queue, taken one at a time by the manual thread.
        self.scheduler = BackgroundScheduler(
            timezone=timezone.utc, jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(2), "air": ThreadPoolExecutor(8),
                       "emergency": ThreadPoolExecutor(2),
                       "prepare": ThreadPoolExecutor(1)},  # one decode at a time, never blocking the poll
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})
        self._manual_thread: threading.Thread | None = None
        self._busy: dict[tuple[date, str], int] = {}
        self._slot_lock = threading.Lock()
        self._reconcile_lock = threading.Lock()  # the timer and a noticed change may coincide
        self._fingerprint = ""
        self._last_change_check = 0.0
        self._db_busy_reported = 0.0
        self._started_at = self.clock.now()
        self.instance = uuid.uuid4().hex
        self.station_id = 0
        self.zone = "Asia/Ho_Chi_Minh"
        self.resume: ResumePolicy | None = None      # made at start, once the station is known
        self.requested: RequestedPlays | None = None

    # --- life cycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Take the station's lock, recover from a previous run, reconcile the jobs and start."""
        self.lock.acquire()  # before anything else: a second daemon must not touch the rows
        try:
            self._start()
        except BaseException:
            self.writer.stop(0)
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
        self.resume = ResumePolicy(ResumeEnv(
            self.ctx.session, self.station_id, self.home, self.clock,
            self.settings["playout.resume"], self.settings["planning.unapproved"]))
        self.requested = RequestedPlays(ManualEnv(
            self.ctx.session, self.station_id, self.home, self.zone, self.clock,
            self.settings["playout.request_ttl_minutes"], self.air, self.writer, self.env,
            self._after_cut))
        if "device" in self.output_names:
            reason = check_device(self.settings["playout.device"])
            if reason:
                others = [n for n in self.output_names if n != "device"]
                note = (f"Không phát được ra card âm thanh ({reason}). "
                        + (f"Đài vẫn phát qua các ngõ ra khác: {', '.join(others)}."
                           if others else "Không còn ngõ ra nào khác: các buổi phát sẽ bị ghi lỗi."))
                self.notes.append(note)
                self.echo(note)
        self.journal.recover(self.ctx.session, self.station_id)  # as-run the database never got
        with self.ctx.session() as session:
            crashed = asrun.close_crashed_rows(session, self.station_id, now)
            abandoned = requests.close_abandoned(session, self.station_id, now)
        for row in crashed:
            log.warning("closed as-run %s (%s %s) left open by the previous run: INTERRUPTED at %d ms",
                        row.row_id, row.slot_name, row.air_date, row.position_ms)
        for request in abandoned:
            self.echo(f"Yêu cầu phát số {request.id} «{request.title}» của {request.operator} đã "
                      "được nhận nhưng chưa phát xong khi tiến trình phát trước dừng: đóng lại, "
                      "không phát lại.")
        self.writer.start()
        for row_id, decision in self.resume.after_restart({row.row_id for row in crashed},
                                                         STOP_REASON):
            self._record_resume(decision, lambda row_id=row_id: row_id)
            if decision.cue is not None:
                self.scheduler.add_job(self.air_resumed, "date", run_date=now, id=f"resume:{row_id}",
                                       executor="air", args=[decision.cue])
        self.reconcile()
        self.scheduler.add_job(self.reconcile, "interval", seconds=self.reconcile_seconds,
                               id="reconcile")
        self.scheduler.add_job(self.poll, "interval", seconds=self.poll_seconds, id="poll")
        self._manual_thread = threading.Thread(target=self.requested.manual_plays,
                                               name="manual-plays", daemon=True)
        self._manual_thread.start()
        self.scheduler.start()
        log.info("playout daemon started for station %s with outputs %s", self.station_id,
                 ",".join(self.output_names))

    def stop(self) -> None:
        """Cut what is airing (logged INTERRUPTED), wait for the jobs, write the log, let go."""
        self.air.close(STOP_REASON)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        if self._manual_thread is not None:
            self._manual_thread.join()
            self._manual_thread = None
        self.writer.stop(STOP_WRITE_SECONDS)
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

    def _db_trouble(self, what: str, exc: SQLAlchemyError) -> None:
        """The database refused a periodic job (busy or unreachable): say so now and then."""
        if not retryable(exc):
            raise exc
        if time.monotonic() - self._db_busy_reported >= 30:
            self._db_busy_reported = time.monotonic()
            log.warning("%s skipped, the database is busy or unreachable: %s", what,
                        str(getattr(exc, "orig", exc)).splitlines()[0][:120])

    # --- periodic jobs --------------------------------------------------------------------------
    def reconcile(self) -> None:
        """Make the slot jobs match the airable plans; log the slots whose grace ended unaired."""
        with self._reconcile_lock:
            try:
                self._reconcile()
            except SQLAlchemyError as exc:
                self._db_trouble("reconcile", exc)

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
                log_missed(session, self.writer, self.station_id, self.home, verdict.case,
                           verdict.reason, now)
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
        try:
            for taken in self.requested.take(now):
                self.scheduler.add_job(self.requested.air, "date", run_date=now,
                                       id=f"request:{taken.request_id}",
                                       executor="emergency" if taken.emergency else "prepare",
                                       args=[taken.request_id])
        except SQLAlchemyError as exc:
            self._db_trouble("taking play requests", exc)
        changed = False
        try:
            with self.ctx.session() as session:
                if time.monotonic() - self._last_change_check >= CHANGE_SECONDS:
                    self._last_change_check = time.monotonic()
                    changed = reconcile.fingerprint(session, self.station_id) != self._fingerprint
                heartbeat.write_heartbeat(session, self.station_id, self._started_at, now,
                                          self._state())
        except SQLAlchemyError as exc:
            self._db_trouble("heartbeat", exc)
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
                "queued": self.air.queued, "unwritten": self.writer.backlog(),
                "next": None if upcoming is None else {
                    "slot": upcoming.args[2], "air_date": upcoming.args[1].isoformat(),
                    "job_id": upcoming.id,
                    "starts_at": (upcoming.next_run_time.astimezone(timezone.utc)
                                  + timedelta(seconds=reconcile.LEAD_SECONDS)).isoformat()}}

    # --- airing -------------------------------------------------------------------------------
    def env(self) -> Env:
        return Env(self.ctx.session, self.station_id, self.cache_dir, self.clock, self._make_outputs,
                   self.writer, self.journal)

    def _after_cut(self, cut: Playback) -> Cue | None:
        """What airs once an emergency that cut a slot has ended: the resume policy decides."""
        decision = self.resume.after_cut(cut.cue, cut.outcome.status, cut.outcome.position_ms)
        if decision is None:
            return None
        self._record_resume(decision, lambda: cut.row_id)  # the cut row's id, once it is written
        return decision.cue

    def _record_resume(self, decision: Resume, row_id: Callable[[], int | None]) -> None:
        """Queue a resume decision's audit event after the cut row's own writes."""
        station_id = self.station_id
        self.writer.submit(lambda s: decision.record(s, station_id, row_id()),
                           f"resume decision for {decision.slot_name} {decision.air_date}")

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
        folder = self.home.aircheck_folder(cue.air_date)
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
            source, key = self.home.path(plan.programme_path), f"plan{plan.id}-v{plan.version}"
        try:
            prepare(source, self.cache_dir, key)
        except PlayoutError as exc:
            log.warning("programme of plan %s cannot be prepared: %s", plan_id, exc)

    def _hold(self, key: tuple[date, str]) -> bool:
        """Mark a slot instance as being aired by this daemon; False if it already is."""
        with self._slot_lock:
            if key in self._busy:
                return False
            self._busy[key] = 1
            return True

    def _let_go_after_writes(self, key: tuple[date, str]) -> None:
        """Forget the mark once the slot's as-run rows are written: until then the database does
        not show it aired, and a reconcile must not schedule it again."""
        def let_go() -> None:
            with self._slot_lock:
                self._busy.pop(key, None)
        self.writer.call(let_go, f"release {key[1]} {key[0]}")

    def _air_slot(self, plan_id: int, air_date: date, slot_name: str) -> None:
        key = (air_date, slot_name)
        if not self._hold(key):
            return
        try:
            with self.ctx.session() as session:
                station = self.ctx.station(session)
                instance = reconcile.find_instance(session, station, air_date, slot_name)
                if instance is None or reconcile.slot_handled(session, station.id, instance,
                                                              self.clock.now()):
                    return
                planned = session.get(DayPlan, plan_id)
                plan = planned and airable_plan(session, station.id, air_date, planned.slot_id,
                                                self.settings["planning.unapproved"])
                if plan is None or plan.id != plan_id:
                    return  # changed since the job was made; the next reconcile knows better
                cue = slot_cue(plan, instance, self.home)
            playback = Playback(cue, self.env())
            playback.prepare()
            if playback.prepared is None:
                playback.run()  # logs FAILED; nothing to air, so the air is not taken
                return
            if not self.air.claim(playback, deadline=self.clock.monotonic_at(instance.grace_ends_at)):
                if not self.air.closed:
                    log_missed_cue(self.writer, self.station_id, cue, BUSY_REASON, self.clock.now())
                return
            try:
                if self.clock.now() > instance.grace_ends_at:
                    log_missed_cue(self.writer, self.station_id, cue,
                                   reconcile.TOO_LATE.format(grace=instance.slot.grace_seconds),
                                   self.clock.now())
                    return
                playback.run()
            finally:
                self.air.release(playback)
        finally:
            self._let_go_after_writes(key)

    def air_resumed(self, cue: Cue) -> None:
        """Air a resumed slot once the air is free (after a restart), inside its window."""
        key = (cue.air_date, cue.slot_name)
        if not self._hold(key):
            return
        try:
            playback = Playback(cue, self.env())
            playback.prepare()
            if playback.prepared is None:
                playback.run()  # FAILED, without taking the air
                return
            deadline = self.clock.monotonic_at(cue.ends_at) if cue.ends_at else None
            claimed = self.air.claim(playback, deadline)
            try:
                if not claimed or (cue.ends_at and self.clock.now() >= cue.ends_at):
                    if not self.air.closed:
                        log_missed_cue(self.writer, self.station_id, cue,
                                       RESUME_MISSED.format(seconds=cue.start_ms / 1000),
                                       self.clock.now())
                    return
                playback.run()
            finally:
                if claimed:
                    self.air.release(playback)
        finally:
            self._let_go_after_writes(key)
