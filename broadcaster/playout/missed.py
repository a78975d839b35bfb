"""MISSED rows: a slot whose grace window ended unaired, or a resume that never got the air.

The rows go through the daemon's writer (dbwrite) like every as-run write, so logging a miss never
waits for the database. Reconcile finds the missed slots (`log_missed`); the daemon logs the slots
and resumes that could not get the air in time (`log_missed_cue`).
"""

from __future__ import annotations

import logging
from datetime import datetime
from broadcaster.db.models import AsRunStatus, DayPlan
from broadcaster.home import Home
from broadcaster.planning.versions import newest
from broadcaster.playout import asrun, reconcile
from broadcaster.playout.cues import Cue, slot_cue
from broadcaster.playout.dbwrite import Writer

log = logging.getLogger(__name__)


def log_missed(session, writer: Writer, station_id: int, home: Home, case: reconcile.SlotCase,
               reason: str, now: datetime) -> None:
    """Queue the MISSED row of a slot reconcile found unaired after its grace window."""
    plan = (session.get(DayPlan, case.plan_id) if case.plan_id
            else newest(session, station_id, case.instance.local_date, case.slot_id))
    cue = slot_cue(plan, case.instance, home)
    write_missed(writer, station_id, cue, reason, now, with_items=case.plan_id is not None,
                 instance=case.instance)


def log_missed_cue(writer: Writer, station_id: int, cue: Cue, reason: str, now: datetime) -> None:
    """Queue the MISSED row of a cue the daemon could not air (with its items')."""
    write_missed(writer, station_id, cue, reason, now, with_items=True)


def write_missed(writer: Writer, station_id: int, cue: Cue, reason: str, now: datetime,
                 with_items: bool, instance=None) -> None:
    """Queue a MISSED row (and its items'); a slot instance already handled gets none."""

    def write(session) -> None:
        if instance is not None and reconcile.slot_handled(session, station_id, instance, now):
            return  # written meanwhile (by an earlier reconcile whose write was queued)
        row_id = asrun.closed_row(session, station_id, cue.facts(), AsRunStatus.MISSED,
                                  started_at=None, ended_at=now, played_ms=0, error=reason)
        for item in cue.items if with_items else ():
            if item.offset_ms >= cue.start_ms:
                asrun.closed_row(session, station_id, cue.item_facts(item, row_id),
                                 AsRunStatus.MISSED, started_at=None, ended_at=now,
                                 played_ms=0, error=reason)
        log.warning("as-run %s: slot %s %s MISSED: %s", row_id, cue.slot_name, cue.air_date, reason)

    writer.submit(write, f"MISSED row of {cue.slot_name} {cue.air_date}")
