"""The playout daemon: an APScheduler scheduler that airs the approved plans at their slot times.

Jobs are reconciled from the database (the truth) at start, every `playout.reconcile_seconds`, and
within `CHANGE_SECONDS` of any change to plans or slots, which a cheap fingerprint query detects.
Play requests and the heartbeat are handled by a one-second poll job. Slots air in `slots`
(SlotAirings), what happens to a request once taken is in `manual` (RequestedPlays), what
happens to a cut slot is decided by `resume` (ResumePolicy), and the MISSED rows are written by
`missed`. Each gets a narrow port of what it needs (SlotEnv, ManualEnv, ResumeEnv).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
import uuid
from contextlib import AbstractContextManager
from datetime import datetime, timedelta, timezone
from typing import Callable, Protocol, Sequence
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from broadcaster import audit
from broadcaster.db.models import DayPlan, Station
from broadcaster.errors import BroadcasterError
from broadcaster.planning.ports import Renderer
from broadcaster.planning.programme import rerender
from broadcaster.home import Home
from broadcaster.playout import asrun, dbhealth, heartbeat, reconcile, requests
from broadcaster.playout.air import Air
from broadcaster.playout.dbwrite import Writer, retryable
from broadcaster.playout.lock import StationLock
from broadcaster.playout.clock import Clock, Every, StepWatch
from broadcaster.playout.errors import PlayoutError
from broadcaster.playout.journal import Journal
from broadcaster.playout.manual import ManualEnv, RequestedPlays
from broadcaster.playout.missed import log_missed
from broadcaster.playout.monitor import monitor_factory
from broadcaster.playout.outputs import (OUTPUT_NAMES, Output, check_device, device_backend,
                                         make_outputs, remove_empty_airchecks)
from broadcaster.playout.cues import Cue
from broadcaster.playout.playback import Env, Playback
from broadcaster.playout.power import power_control
from broadcaster.playout.programme import cleanup_cache
from broadcaster.playout.resume import Resume, ResumeEnv, ResumePolicy
from broadcaster.playout.slots import SlotAirings, SlotEnv
from broadcaster.settings import Settings

log = logging.getLogger(__name__)

CHANGE_SECONDS = 2.0
HEALTH_SECONDS = 10.0  # how often a new connection checks that others can use the database
STOP_WRITE_SECONDS = 20.0      # at stop, time left to the database to take the last as-run writes
STOP_REASON = "tiến trình phát được dừng (Ctrl+C hoặc tắt dịch vụ)"
OTHER_DAEMON = ("tiến trình phát của đài đang chạy (pid {pid} trên máy {host}, tín hiệu cuối lúc "
                "{seen}); mỗi đài chỉ chạy một tiến trình phát, nếu không mọi buổi sẽ phát hai lần. "
                "Hãy dùng tiến trình đang chạy, hoặc dừng nó trước.")


class StationPort(Protocol):
    """What the daemon needs of its station (broadcaster.station.context.StationContext)."""

    settings: Settings
    home: Home
    engine: Engine

    def session(self) -> AbstractContextManager[Session]: ...

    def station(self, session: Session) -> Station: ...

    def renderer(self, session: Session) -> Renderer: ...


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
        self._stopping = threading.Event()
        self._periodic: list[Every] = []
        self._steps = StepWatch(self.clock)
        self._trusted = (self.clock.monotonic(), self.clock.now())  # since when the wall clock is trusted
        self._hard_starts: list = []  # the slots still to air, as reconcile last saw them
        self.database_problem: str | None = None  # what others get from the database, if broken
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
        self.slots: SlotAirings | None = None
        self.power = None  # the amplifier's control (power.py), made at start

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
            self.power = power_control(self.settings, self.writer, station.id, self.clock.now)
            other = heartbeat.other_daemon_running(session, station.id, now, self.instance)
            if other is not None:
                raise PlayoutError(OTHER_DAEMON.format(
                    pid=other.pid, host=other.host,
                    seen=other.seen_at.astimezone(ZoneInfo(self.zone)).strftime("%H:%M:%S %d/%m")))
            heartbeat.write_heartbeat(session, station.id, self._started_at, now, self._state())
        self.resume = ResumePolicy(ResumeEnv(
            self.ctx.session, self.station_id, self.home, self.clock,
            self.settings["playout.resume"], self.settings["playout.resume_fit"],
            self.settings["planning.unapproved"], self.next_start))
        self.slots = SlotAirings(SlotEnv(
            self.ctx.session, self.station_id, self.home, self.clock,
            self.settings["planning.unapproved"], self.air, self.writer, self.env, self._rerender))
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
        journaled = self.journal.recover(self.ctx.session, self.station_id)  # as-run the db never got
        for junk in remove_empty_airchecks([self.home.aircheck_folder(day)
                                            for day in reconcile.local_days(now, self.zone)]):
            log.info("removed %s: an air-check with no audio, left by the previous run", junk.name)
        with self.ctx.session() as session:
            crashed = asrun.close_crashed_rows(session, self.station_id, now, journaled)
            abandoned = requests.close_abandoned(session, self.station_id, now)
        for row in crashed:
            if row.kind == "slot":
                log.warning("closed as-run %s (%s %s) left open by the previous run, with its "
                            "items: INTERRUPTED at %d ms", row.row_id, row.slot_name or row.trigger.value,
                            row.air_date, row.position_ms)
        for request in abandoned:
            self.echo(f"Yêu cầu phát số {request.id} «{request.title}» của {request.operator} đã "
                      "được nhận nhưng chưa phát xong khi tiến trình phát trước dừng: đóng lại, "
                      "không phát lại.")
        self.writer.start()
        self.reconcile()  # first: the resume policy needs to know the slots still to air
        for row_id, decision in self.resume.after_restart(
                {row.row_id: row.resume_from_ms for row in crashed}, STOP_REASON):
            self._record_resume(decision, lambda row_id=row_id: row_id)
            if decision.cue is not None:
                self.scheduler.add_job(self.slots.air_resumed, id=f"resume:{row_id}",
                                       executor="air", args=[decision.cue])
        self._periodic = [Every("poll", self.poll_seconds, self.poll, self._stopping),
                          Every("reconcile", self.reconcile_seconds, self.reconcile, self._stopping),
                          Every("health", HEALTH_SECONDS, self.check_database, self._stopping)]
        for periodic in self._periodic:
            periodic.start()
        self._manual_thread = threading.Thread(target=self.requested.manual_plays,
                                               name="manual-plays", daemon=True)
        self._manual_thread.start()
        self.scheduler.start()
        log.info("playout daemon started for station %s with outputs %s", self.station_id,
                 ",".join(self.output_names))

    def stop(self) -> None:
        """Cut what is airing (logged INTERRUPTED), wait for the jobs, write the log, let go."""
        self.air.close(STOP_REASON)
        self._stopping.set()
        for periodic in self._periodic:
            periodic.join()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        if self._manual_thread is not None:
            self._manual_thread.join()
            self._manual_thread = None
        if self.power is not None:
            self.power.stop()
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
            jobs, missed = reconcile.decide(cases, now, self.slots.busy(), self._hold_missed())
            self._hard_starts = reconcile.hard_starts(cases)
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
                self.scheduler.add_job(self.slots.air_slot, "date", run_date=spec.run_at, id=ident,
                                       executor="air", args=[spec.plan_id, spec.air_date,
                                                             spec.slot_name])
                self.scheduler.add_job(self.slots.prepare_plan,
                                       id=f"prepare:{spec.plan_id}:v{spec.plan_version}",
                                       executor="prepare", args=[spec.plan_id],
                                       replace_existing=True)
            elif job.next_run_time and abs((job.next_run_time - spec.run_at).total_seconds()) > 0.5:
                job.reschedule("date", run_date=spec.run_at)  # the slot's time was changed
        cleanup_cache(self.cache_dir)
        self.journal.reserve.top_up()  # pages for the airings to come, while the disk has room

    def poll(self) -> None:
        """Every second: take play requests, notice plan changes, write the heartbeat."""
        now = self.clock.now()
        emergency = False
        step = self._steps.step()
        if step:
            self._trusted = (self.clock.monotonic(), now)
            log.warning("the wall clock stepped by %+.0f s: slot times follow it; a slot that seems "
                        "just passed is not logged missed for %d s", step,
                        self.settings["playout.clock_settle_seconds"])
        try:
            for taken in self.requested.take(now):
                emergency = emergency or taken.emergency
                self.scheduler.add_job(self.requested.air, id=f"request:{taken.request_id}",
                                       executor="emergency" if taken.emergency else "prepare",
                                       args=[taken.request_id])
        except SQLAlchemyError as exc:
            self._db_trouble("taking play requests", exc)
        if self.power is not None:  # before anything that waits for the database
            self.power.tick(emergency or self.air.current is not None or self.air.queued > 0,
                            [at for _, _, at in self._hard_starts],
                            "phát khẩn cấp" if emergency else "buổi phát")
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
        if changed or step:
            log.info("plans or slots changed, or the clock stepped: reconciling")
            self.reconcile()

    def check_database(self) -> None:
        """Can other processes use the database? If not, mend SQLite by letting go (dbhealth)."""
        url = self.settings.database_url
        problem = dbhealth.others_can_read(url)
        if problem is not None:
            log.error("the database cannot be used by other processes (%s): the web page and the "
                      "CLI fail while audio goes on; checkpointing and letting go of this daemon's "
                      "connections to mend it", problem)
            dbhealth.mend(self.ctx.engine)
            problem = dbhealth.others_can_read(url)
            log.log(logging.ERROR if problem else logging.WARNING, "the database %s",
                    f"is still unusable by others: {problem}" if problem else "is usable again")
        self.database_problem = problem

    def _hold_missed(self) -> tuple[datetime, datetime] | None:
        """Slots that passed in the minutes just before the start or a clock step are not logged
        MISSED until the clock has settled: a PC's clock may run ahead at boot until NTP corrects
        it, and such a slot may still be to come. Slots that pass while the daemon runs are not
        held."""
        since_mono, since_wall = self._trusted
        settle = self.settings["playout.clock_settle_seconds"]
        if self.clock.monotonic() - since_mono >= settle:
            return None
        return since_wall - timedelta(seconds=settle), since_wall

    def _state(self) -> dict:
        current = self.air.current
        playing = current.state() if current is not None else None
        if playing is not None:
            self.last_outputs = playing["outputs"] or self.last_outputs
        slots = [j for j in self.scheduler.get_jobs() if j.id.startswith("slot:") and j.next_run_time]
        upcoming = min(slots, key=lambda j: j.next_run_time, default=None)
        return {"instance": self.instance, "playing": playing, "outputs": self.last_outputs or {n: "chưa phát" for n in self.output_names},
                "output_names": self.output_names, "notes": self.notes,
                "database": self.database_problem,
                "queued": self.air.queued, "unwritten": self.writer.backlog(),
                "power": self.power.snapshot() if self.power is not None else None,
                "next": None if upcoming is None else {
                    "slot": upcoming.args[2], "air_date": upcoming.args[1].isoformat(),
                    "job_id": upcoming.id,
                    "starts_at": (upcoming.next_run_time.astimezone(timezone.utc)
                                  + timedelta(seconds=reconcile.LEAD_SECONDS)).isoformat()}}

    # --- airing -------------------------------------------------------------------------------
    def env(self) -> Env:
        return Env(self.ctx.session, self.station_id, self.cache_dir, self.clock, self._make_outputs,
                   self.writer, self.journal, self.next_start, monitor_factory(
                       self.settings, self.writer,
                       lambda: self.power.snapshot() if self.power is not None else None))

    def next_start(self, cue: Cue) -> datetime | None:
        """The hard start an airing must end before: the next slot to air after it begins."""
        own = (cue.air_date, cue.slot_name) if cue.slot_name else None
        return reconcile.next_hard_start(self._hard_starts, cue.scheduled_at or self.clock.now(), own)

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

    def _rerender(self, plan_id: int, problem: str) -> str | None:
        """Render a version's programme again from its parts (audited); why it failed, or None."""
        try:
            with self.ctx.session() as session:
                plan = session.get(DayPlan, plan_id)
                before = plan.programme_sha256
                rerender(session, plan, self.ctx.renderer(session))
                audit.record(session, self.station_id, "playout", "plan.programme_rendered_again",
                             "day_plan", plan.id, before={"sha256": before},
                             after={"sha256": plan.programme_sha256}, comment=problem)
        except BroadcasterError as exc:
            return str(exc)
        return None

    def _make_outputs(self, cue: Cue) -> list[Output]:
        return make_outputs(self.output_names, self.settings,
                            self.home.new_aircheck(cue.air_date, cue.aircheck_name))
