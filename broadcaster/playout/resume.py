"""The resume policy (`playout.resume`): what happens to a slot cut by an emergency or a crash.

`resume-item` airs the slot again from the start of the item that was cut, if the slot's window is
still open and the same plan version is still airable; `none` leaves it cut. Either way the
decision is logged and recorded as an audit event (actor "playout").
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable

from broadcaster import audit
from broadcaster.db.models import AsRunStatus, DayPlan, Trigger
from broadcaster.planning.airable import airable_plan
from broadcaster.playout import asrun
from broadcaster.playout.cues import slot_cue
from broadcaster.playout.cues import Cue, resume_point, resumed
from broadcaster.playout.playback import Playback
from broadcaster.playout.reconcile import counts_as_handled, find_instance, local_days
from broadcaster.schedule import expand_day
from broadcaster.station.setup import station_schedule

if TYPE_CHECKING:
    from broadcaster.playout.daemon import Daemon

log = logging.getLogger(__name__)


class ResumePolicy:
    def __init__(self, daemon: Daemon):
        self.daemon = daemon

    def after_cut(self, cut: Playback) -> Cue | None:
        """Decide about a slot an emergency just cut; the cue to air next, or None.

        Only reads here (the emergency holds the air meanwhile); the audit event is queued after
        the cut row's own writes, so it names the row even if the database was busy.
        """
        cue, outcome = cut.cue, cut.outcome
        if outcome is None or outcome.status is not AsRunStatus.INTERRUPTED \
                or cue.trigger is not Trigger.SCHEDULE or cue.plan_id is None:
            return None
        with self.daemon.ctx.session() as session:
            return self.decide(session, cue.air_date, cue.slot_name, cue.plan_id,
                               outcome.position_ms, lambda: cut.row_id)

    def after_restart(self, crashed_ids: set[int], stop_reason: str) -> None:
        """At start: resume the slots the previous run left cut (crash or stop), by policy."""
        daemon = self.daemon
        now = daemon.clock.now()
        with daemon.ctx.session() as session:
            station = daemon.ctx.station(session)
            schedule = station_schedule(session, station)
            for day in local_days(now, station.timezone)[:2]:
                for instance in expand_day(schedule, day):
                    rows = asrun.slot_rows(session, station.id, day, instance.slot.name)
                    last = rows[-1] if rows else None
                    if last is None or last.status is not AsRunStatus.INTERRUPTED or not last.plan_id:
                        continue
                    if last.id not in crashed_ids and not last.error.startswith(stop_reason):
                        continue
                    if not any(counts_as_handled(row, instance.grace_ends_at, now) for row in rows):
                        continue  # it aired nothing and its grace is open: it airs from the top
                    position = (last.offset_ms or 0) + (last.played_ms or 0)
                    cue = self.decide(session, day, instance.slot.name, last.plan_id, position, last.id)
                    if cue is not None:
                        daemon.scheduler.add_job(daemon.air_resumed, "date", run_date=now,
                                                 id=f"resume:{last.id}", executor="air", args=[cue])

    def decide(self, session, air_date, slot_name: str, plan_id: int, position_ms: int,
               row_id: int | Callable[[], int | None]) -> Cue | None:
        """Apply the policy to one cut slot; log it and queue its audit event.

        `row_id` may be a callable read when the audit event is written (the cut row's id is
        known only once the writer has written it).
        """
        daemon = self.daemon
        policy = daemon.settings["playout.resume"]
        station = daemon.ctx.station(session)
        cue, point = None, None
        if policy == "none":
            note = "không phát tiếp phần bị ngắt (chính sách playout.resume = none)"
        else:
            instance = find_instance(session, station, air_date, slot_name)
            plan = session.get(DayPlan, plan_id)
            airable = (airable_plan(session, station.id, air_date, plan.slot_id,
                                    daemon.settings["planning.unapproved"]) if plan else None)
            if instance is None or daemon.clock.now() >= instance.ends_at:
                note = "không phát tiếp: đã hết khung giờ của buổi phát"
            elif airable is None or airable.id != plan_id:
                note = "không phát tiếp: kế hoạch của buổi đã thay đổi hoặc không còn được duyệt"
            else:
                full = slot_cue(session, airable, instance, daemon.home)
                point = resume_point(full.items, position_ms)
                if point is None:
                    note = "không phát tiếp: mọi mục của buổi đã phát xong"
                else:
                    note = f"phát tiếp từ giây {point / 1000:.1f} (đầu mục bị ngắt)"
                    cue = resumed(full, point)
        station_id = station.id
        target = row_id if callable(row_id) else (lambda: row_id)
        daemon.writer.submit(
            lambda s: audit.record(s, station_id, "playout", "playout.resume", "as_run", target(),
                                   after={"policy": policy, "position_ms": position_ms,
                                          "resume_from_ms": point}, comment=note),
            f"resume decision for {slot_name} {air_date}")
        log.info("%s %s cut at %d ms: %s", slot_name, air_date, position_ms, note)
        return cue
