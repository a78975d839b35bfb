"""The resume policy (`playout.resume`): what happens to a slot cut by an emergency or a crash.

`resume-item` airs the slot again from the start of the item that was cut, if the slot's window is
still open and the same plan version is still airable; `none` leaves it cut. The policy only
decides: each `Resume` says what to air next (if anything) and why, and the daemon acts on it and
records it as an audit event (actor "playout").
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from broadcaster import audit
from broadcaster.db.models import AsRunStatus, DayPlan, Station, Trigger
from broadcaster.db.queries import scheduled_slot_rows, station_schedule
from broadcaster.home import Home
from broadcaster.planning.versions import airable_plan
from broadcaster.playout.clock import Clock
from broadcaster.playout.cues import Cue, resume_point, resumed, slot_cue
from broadcaster.playout.reconcile import counts_as_handled, find_instance, local_days
from broadcaster.schedule import expand_day

log = logging.getLogger(__name__)

MIN_RESUME_SECONDS = 5.0  # a resume that could air less than this before the next slot does not air


@dataclass(frozen=True)
class ResumeEnv:
    """What the resume policy needs from the daemon."""

    session: Callable[[], AbstractContextManager[Session]]
    station_id: int
    home: Home
    clock: Clock
    policy: str       # the setting playout.resume
    fit: str          # the setting playout.resume_fit
    unapproved: str   # the setting planning.unapproved
    next_start: Callable[[Cue], datetime | None]  # the next slot's instant (a hard start)


@dataclass(frozen=True)
class Resume:
    """The policy's decision about one cut slot."""

    slot_name: str
    air_date: date
    policy: str
    position_ms: int        # where the slot was cut
    point_ms: int | None    # where it resumes, if it does
    note: str               # why, in Vietnamese (the audit comment)
    cue: Cue | None         # what to air next, if anything

    def record(self, session: Session, station_id: int, row_id: int | None) -> None:
        """The decision's audit event, on the cut row."""
        audit.record(session, station_id, "playout", "playout.resume", "as_run", row_id,
                     after={"policy": self.policy, "position_ms": self.position_ms,
                            "resume_from_ms": self.point_ms}, comment=self.note)


class ResumePolicy:
    def __init__(self, env: ResumeEnv):
        self.env = env

    def after_cut(self, cue: Cue, status: AsRunStatus, position_ms: int) -> Resume | None:
        """Decide about a slot an emergency just cut; None when it was not a scheduled slot cut.

        Only reads here: the emergency holds the air meanwhile.
        """
        if status is not AsRunStatus.INTERRUPTED or cue.trigger is not Trigger.SCHEDULE \
                or cue.plan_id is None:
            return None
        with self.env.session() as session:
            station = session.get(Station, self.env.station_id)
            return self.decide(session, station, cue.air_date, cue.slot_name, cue.plan_id,
                               position_ms)

    def after_restart(self, crashed_ids: set[int], stop_reason: str) -> list[tuple[int, Resume]]:
        """At start: the decisions about the slots the previous run left cut (crash or stop),
        each with the id of the cut row."""
        now = self.env.clock.now()
        decided = []
        with self.env.session() as session:
            station = session.get(Station, self.env.station_id)
            schedule = station_schedule(session, station)
            for day in local_days(now, station.timezone)[:2]:
                for instance in expand_day(schedule, day):
                    rows = scheduled_slot_rows(session, station.id, [day], instance.slot.name)
                    last = rows[-1] if rows else None
                    if last is None or last.status is not AsRunStatus.INTERRUPTED or not last.plan_id:
                        continue
                    if last.id not in crashed_ids and not last.error.startswith(stop_reason):
                        continue
                    if not any(counts_as_handled(row, instance.grace_ends_at, now) for row in rows):
                        continue  # it aired nothing and its grace is open: it airs from the top
                    position = (last.offset_ms or 0) + (last.played_ms or 0)
                    decided.append((last.id, self.decide(session, station, day, instance.slot.name,
                                                         last.plan_id, position)))
        return decided

    def decide(self, session: Session, station: Station, air_date: date, slot_name: str,
               plan_id: int, position_ms: int) -> Resume:
        """Apply the policy to one cut slot."""
        env = self.env
        cue, point = None, None
        if env.policy == "none":
            note = "không phát tiếp phần bị ngắt (chính sách playout.resume = none)"
        else:
            instance = find_instance(session, station, air_date, slot_name)
            plan = session.get(DayPlan, plan_id)
            airable = (airable_plan(session, station.id, air_date, plan.slot_id, env.unapproved)
                       if plan else None)
            if instance is None or env.clock.now() >= instance.ends_at:
                note = "không phát tiếp: đã hết khung giờ của buổi phát"
            elif airable is None or airable.id != plan_id:
                note = "không phát tiếp: kế hoạch của buổi đã thay đổi hoặc không còn được duyệt"
            else:
                full = slot_cue(airable, instance, env.home)
                point = resume_point(full.items, position_ms)
                if point is None:
                    note = "không phát tiếp: mọi mục của buổi đã phát xong"
                else:
                    cue, note = self._fit(resumed(full, point), ZoneInfo(station.timezone))
                    point = point if cue is not None else None
        log.info("%s %s cut at %d ms: %s", slot_name, air_date, position_ms, note)
        return Resume(slot_name, air_date, env.policy, position_ms, point, note, cue)

    def _fit(self, cue: Cue, zone: ZoneInfo) -> tuple[Cue | None, str]:
        """A resumed cue and the decision's note: it never runs into the next slot (a hard start).

        With `playout.resume_fit` = cut it airs and is cut at the next slot's instant; with
        whole it airs only when the rest fits before it. Less than MIN_RESUME_SECONDS before the
        next slot, it does not air at all.
        """
        resume_at = f"phát tiếp từ giây {cue.start_ms / 1000:.1f} (đầu mục bị ngắt)"
        hard = self.env.next_start(cue)
        if hard is None:
            return cue, resume_at
        left = (hard - self.env.clock.now()).total_seconds()
        rest = ((cue.expected_ms or max((i.end_ms for i in cue.items), default=0))
                - cue.start_ms) / 1000
        local = hard.astimezone(zone).strftime("%H:%M:%S")
        if left < MIN_RESUME_SECONDS:
            return None, f"không phát tiếp: buổi phát tiếp theo bắt đầu lúc {local}"
        if rest <= left:
            return cue, resume_at
        if self.env.fit == "whole":
            return None, (f"không phát tiếp: phần còn lại ({rest:.0f} giây) không kịp trước buổi phát "
                          f"tiếp theo lúc {local} (playout.resume_fit = whole)")
        return cue, f"{resume_at}; cắt trước {local} để buổi phát tiếp theo bắt đầu đúng giờ"
