"""Which as-run rows make a slot "handled", and rows for resumes that could not air."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from broadcaster.db.models import AsRun, AsRunStatus, DayPlan, Trigger
from broadcaster.playout.cues import slot_cue
from broadcaster.playout.daemon import STOP_REASON
from broadcaster.playout.manual import EMERGENCY_REASON
from broadcaster.playout.cues import resumed
from broadcaster.playout.playback import Playback
from broadcaster.playout.reconcile import counts_as_handled, find_instance
from broadcaster.playout.asrun import CRASH_REASON

from tests.playout.conftest import make_tone

NOW = datetime(2024, 3, 1, 6, 0, 5, tzinfo=timezone.utc)
GRACE_ENDS = NOW + timedelta(seconds=55)


def row(status: AsRunStatus, played_ms: int | None = 0, error: str = "") -> AsRun:
    return AsRun(kind="slot", trigger=Trigger.SCHEDULE, status=status, played_ms=played_ms, error=error)


def test_an_interrupted_row_that_aired_nothing_does_not_count_inside_the_grace_window():
    for error in (STOP_REASON, CRASH_REASON.format(seconds=0)):
        cut = row(AsRunStatus.INTERRUPTED, 0, error)
        assert not counts_as_handled(cut, GRACE_ENDS, NOW)
        assert counts_as_handled(cut, GRACE_ENDS, GRACE_ENDS + timedelta(seconds=1))
    assert counts_as_handled(row(AsRunStatus.INTERRUPTED, 1200, STOP_REASON), GRACE_ENDS, NOW)
    # an emergency's cut is the resume policy's business, even before any audio
    assert counts_as_handled(row(AsRunStatus.INTERRUPTED, 0, EMERGENCY_REASON.format(id=3)), GRACE_ENDS, NOW)


def test_a_missed_row_from_a_clock_that_was_ahead_does_not_count_before_the_grace_ends():
    missed = row(AsRunStatus.MISSED, 0, "không phát được trong thời gian cho phép trễ")
    assert not counts_as_handled(missed, GRACE_ENDS, NOW)
    assert counts_as_handled(missed, GRACE_ENDS, GRACE_ENDS + timedelta(seconds=1))
    for status in (AsRunStatus.PLAYED, AsRunStatus.FAILED, AsRunStatus.STARTED, AsRunStatus.PARTIAL):
        assert counts_as_handled(row(status, 0), GRACE_ENDS, NOW)


def plant_row(plant, name: str, air_date, starts, status: AsRunStatus, error: str) -> None:
    with plant.ctx.session() as session:
        station = plant.ctx.station(session)
        session.add(AsRun(station_id=station.id, kind="slot", trigger=Trigger.SCHEDULE, status=status,
                          air_date=air_date, slot_name=name, scheduled_at=starts,
                          ended_at=datetime.now(timezone.utc) - timedelta(seconds=1), played_ms=0,
                          outputs=[], error=error, offset_ms=0))


def test_a_slot_stopped_just_before_its_instant_airs_after_a_restart_with_resume_none(plant, daemon_factory):
    plant.configure('[playout]\nresume = "none"')
    air_date, starts = plant.slot("sat", -2, grace=60)
    plant.plan("sat", air_date, seconds=3)
    plant_row(plant, "sat", air_date, starts, AsRunStatus.INTERRUPTED, STOP_REASON)
    daemon_factory()
    played = plant.wait_for(lambda: [r for r in plant.rows(kind="slot", slot_name="sat")
                                     if r.status is AsRunStatus.PLAYED], 20, "the slot aired")[0]
    assert played.offset_ms == 0 and abs(played.played_ms - 3000) < 150


def test_a_missed_row_written_by_a_clock_running_ahead_does_not_stop_the_slot(plant, daemon_factory):
    air_date, starts = plant.slot("som", 4, grace=10)
    plant.plan("som", air_date, seconds=3)
    plant_row(plant, "som", air_date, starts, AsRunStatus.MISSED,
              "không phát được trong thời gian cho phép trễ (10 giây)")
    daemon_factory()
    played = plant.wait_for(lambda: [r for r in plant.rows(kind="slot", slot_name="som")
                                     if r.status is AsRunStatus.PLAYED], 20, "the slot aired")[0]
    assert abs(played.played_ms - 3000) < 150


def test_a_resume_that_cannot_get_the_air_before_the_window_ends_is_logged_missed(plant, daemon_factory):
    air_date, starts = plant.slot("tiep", -5, length=8, grace=1)
    plan_id = plant.plan("tiep", air_date, seconds=4)
    holder_file = make_tone(plant.home / "giu.mp3", 1.0)
    daemon = daemon_factory()
    with plant.ctx.session() as session:
        instance = find_instance(session, plant.ctx.station(session), air_date, "tiep")
        cue = resumed(slot_cue(session.get(DayPlan, plan_id), instance, plant.ctx.home), 2000)
    holder = Playback(replace(cue, source=holder_file, cache_key="giu"), daemon.env())
    assert daemon.air.claim(holder)  # something else holds the air until the window ends
    try:
        daemon.slots.air_resumed(cue)
    finally:
        daemon.air.release(holder)
    rows = plant.wait_for(lambda: [r for r in plant.rows(kind="slot", slot_name="tiep")
                                   if r.status is AsRunStatus.MISSED and r.offset_ms == 2000], 10,
                          "the MISSED row of the resume")
    assert "phát tiếp" in rows[0].error and rows[0].played_ms == 0
