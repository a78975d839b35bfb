"""Airing slots: a scheduled slot at its instant, a resumed slot as soon as the air is free.

The daemon's jobs call `air_slot` (and `prepare_plan` ahead of it) and `air_resumed`. A slot
instance is held while it airs and until its rows are written, so that a reconcile meanwhile
never schedules it again (`busy`).
"""

from __future__ import annotations

import logging
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from sqlalchemy.orm import Session

from broadcaster.audio.files import sha256_file
from broadcaster.db.models import DayPlan, Station
from broadcaster.home import Home
from broadcaster.planning.versions import airable_plan
from broadcaster.playout import reconcile
from broadcaster.playout.air import Air
from broadcaster.playout.clock import Clock
from broadcaster.playout.cues import Cue, slot_cue
from broadcaster.playout.dbwrite import Writer
from broadcaster.playout.errors import PlayoutError
from broadcaster.playout.missed import log_missed_cue
from broadcaster.playout.playback import Env, Playback
from broadcaster.playout.programme import prepare

log = logging.getLogger(__name__)

BUSY_REASON = ("đang phát nội dung khác (khẩn cấp hoặc thủ công) đến hết thời gian cho phép trễ")
RESUME_MISSED = ("không phát tiếp được từ giây {seconds:.1f}: đang phát nội dung khác đến hết khung "
                 "giờ của buổi")


@dataclass(frozen=True)
class SlotEnv:
    """What airing slots needs from the daemon."""

    session: Callable[[], AbstractContextManager[Session]]
    station_id: int
    home: Home
    clock: Clock
    unapproved: str   # the setting planning.unapproved
    air: Air
    writer: Writer
    playback_env: Callable[[], Env]
    rerender: Callable[[int, str], str | None]  # render a version's programme again; why not, or None


def programme_problem(path: Path, recorded: str | None) -> str | None:
    """What is wrong with a programme file, in Vietnamese (None when it is the approved one)."""
    if not path.is_file():
        return "không tìm thấy tệp chương trình"
    if recorded and sha256_file(path) != recorded:
        return "tệp chương trình đã bị thay đổi sau khi duyệt (mã băm khác)"
    return None


class SlotAirings:
    def __init__(self, env: SlotEnv):
        self.env = env
        self._busy: set[tuple[date, str]] = set()
        self._lock = threading.Lock()

    def busy(self) -> frozenset[tuple[date, str]]:
        """The slot instances (air date, slot) this daemon is airing or still logging."""
        with self._lock:
            return frozenset(self._busy)

    def check_programme(self, plan_id: int) -> None:
        """Render a version's programme again when its file is missing or is not the file that
        was approved (its recorded hash); when that cannot be done, say so: it airs as it is and
        its as-run row tells what aired."""
        env = self.env
        with env.session() as session:
            plan = session.get(DayPlan, plan_id)
            if plan is None or not plan.programme_path:
                return
            path, recorded, what = (env.home.path(plan.programme_path), plan.programme_sha256,
                                    f"{plan.slot.name} {plan.air_date} v{plan.version}")
        problem = programme_problem(path, recorded)
        if problem is None:
            return
        log.warning("programme of %s: %s; rendering it again from its parts", what, problem)
        failure = env.rerender(plan_id, problem)
        if failure:
            log.error("programme of %s cannot be rendered again (%s): it airs as it is", what,
                      failure)
        else:
            log.warning("programme of %s rendered again", what)

    def prepare_plan(self, plan_id: int) -> None:
        """Check and decode a plan's programme ahead of its slot (errors are logged again when it
        airs)."""
        self.check_programme(plan_id)
        env = self.env
        with env.session() as session:
            plan = session.get(DayPlan, plan_id)
            if plan is None or not plan.programme_path:
                return
            source, key = env.home.path(plan.programme_path), f"plan{plan.id}-v{plan.version}"
        try:
            prepare(source, env.home.playout_cache, key)
        except PlayoutError as exc:
            log.warning("programme of plan %s cannot be prepared: %s", plan_id, exc)

    def _hold(self, key: tuple[date, str]) -> bool:
        """Mark a slot instance as being aired by this daemon; False if it already is."""
        with self._lock:
            if key in self._busy:
                return False
            self._busy.add(key)
            return True

    def _let_go_after_writes(self, key: tuple[date, str]) -> None:
        """Forget the mark once the slot's as-run rows are written: until then the database does
        not show it aired, and a reconcile must not schedule it again."""
        def let_go() -> None:
            with self._lock:
                self._busy.discard(key)
        self.env.writer.call(let_go, f"release {key[1]} {key[0]}")

    def air_slot(self, plan_id: int, air_date: date, slot_name: str) -> None:
        """Air a slot's plan version at its instant (the job wakes a little before it)."""
        env, clock = self.env, self.env.clock
        key = (air_date, slot_name)
        if not self._hold(key):
            return
        try:
            with env.session() as session:
                station = session.get(Station, env.station_id)
                instance = reconcile.find_instance(session, station, air_date, slot_name)
                if instance is None or reconcile.slot_handled(session, station.id, instance,
                                                              clock.now()):
                    return
                planned = session.get(DayPlan, plan_id)
                plan = planned and airable_plan(session, station.id, air_date, planned.slot_id,
                                                env.unapproved)
                if plan is None or plan.id != plan_id:
                    return  # changed since the job was made; the next reconcile knows better
                cue = slot_cue(plan, instance, env.home)
            self.check_programme(plan_id)
            playback = Playback(cue, env.playback_env())
            playback.prepare()
            if playback.prepared is None:
                playback.run()  # logs FAILED; nothing to air, so the air is not taken
                return
            if not env.air.claim(playback, deadline=clock.monotonic_at(instance.grace_ends_at)):
                if not env.air.closed:
                    log_missed_cue(env.writer, env.station_id, cue, BUSY_REASON, clock.now())
                return
            try:
                if clock.now() > instance.grace_ends_at:
                    log_missed_cue(env.writer, env.station_id, cue,
                                   reconcile.TOO_LATE.format(grace=instance.slot.grace_seconds),
                                   clock.now())
                    return
                playback.run()
            finally:
                env.air.release(playback)
        finally:
            self._let_go_after_writes(key)

    def air_resumed(self, cue: Cue) -> None:
        """Air a resumed slot once the air is free (after a restart), inside its window."""
        env, clock = self.env, self.env.clock
        key = (cue.air_date, cue.slot_name)
        if not self._hold(key):
            return
        try:
            playback = Playback(cue, env.playback_env())
            playback.prepare()
            if playback.prepared is None:
                playback.run()  # FAILED, without taking the air
                return
            deadline = clock.monotonic_at(cue.ends_at) if cue.ends_at else None
            claimed = env.air.claim(playback, deadline)
            try:
                if not claimed or (cue.ends_at and clock.now() >= cue.ends_at):
                    if not env.air.closed:
                        log_missed_cue(env.writer, env.station_id, cue,
                                       RESUME_MISSED.format(seconds=cue.start_ms / 1000),
                                       clock.now())
                    return
                playback.run()
            finally:
                if claimed:
                    env.air.release(playback)
        finally:
            self._let_go_after_writes(key)
