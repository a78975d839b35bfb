"""Manual plays wait in a queue inside Air, not in threads: emergencies and slots are never starved."""

from __future__ import annotations

from broadcaster.db.models import AsRunStatus, Trigger

from tests.playout.conftest import make_tone, plant_request, request_row


def test_an_emergency_cuts_in_while_many_manual_plays_are_queued(plant, daemon_factory):
    tone = make_tone(plant.home / "dai.mp3", 8.0)
    alarm = make_tone(plant.home / "bao-dong.mp3", 1.0, frequency=880)
    manual = [plant_request(plant, tone, title=f"thủ công {n}") for n in range(10)]
    daemon = daemon_factory()
    plant.wait_for(lambda: [r for r in plant.rows(kind="slot", trigger=Trigger.MANUAL) if r.started_at],
                   20, "the first manual play on air")
    plant.wait_for(lambda: all(request_row(plant, r).taken_at for r in manual), 10, "all taken")
    emergency = plant_request(plant, alarm, emergency=True)
    row = plant.wait_for(lambda: [r for r in plant.rows(kind="slot", trigger=Trigger.EMERGENCY)
                                  if r.ended_at], 20, "the emergency aired")[0]
    assert row.status is AsRunStatus.EMERGENCY
    first = plant.rows(kind="slot", trigger=Trigger.MANUAL)[0]
    assert first.status is AsRunStatus.INTERRUPTED and "khẩn cấp" in first.error
    assert first.ended_at <= row.started_at
    assert request_row(plant, emergency).as_run_id == row.id
    daemon.stop()
    left = [request_row(plant, r) for r in manual[1:]]
    assert all(r.done_at for r in left)  # the queue is closed with a reason, not left taken
    assert all("dừng" in r.error for r in left if r.as_run_id is None)


def test_a_slot_goes_before_queued_manual_plays(plant, daemon_factory):
    # The slot is planted only once the first manual play is on air, so however slowly the
    # daemon starts, the slot comes due while a manual play holds the air and others queue.
    long_tone = make_tone(plant.home / "dai.mp3", 10.0)
    tone = make_tone(plant.home / "vua.mp3", 2.0)
    manual = [plant_request(plant, long_tone if n == 0 else tone, title=f"thủ công {n}")
              for n in range(3)]
    daemon_factory()
    plant.wait_for(lambda: [r for r in plant.rows(kind="slot", trigger=Trigger.MANUAL) if r.started_at],
                   30, "the first manual play on air")
    air_date, _ = plant.slot("uutien", 3, grace=30)
    plant.plan("uutien", air_date, seconds=3)
    slot = plant.closed_slot("uutien", 40)
    assert slot.status is AsRunStatus.PLAYED
    plant.wait_for(lambda: request_row(plant, manual[1]).done_at, 30, "the second manual play")
    rows = [r for r in plant.rows(kind="slot") if r.started_at]
    order = [r.trigger for r in sorted(rows, key=lambda r: r.started_at)]
    assert order[:3] == [Trigger.MANUAL, Trigger.SCHEDULE, Trigger.MANUAL]
