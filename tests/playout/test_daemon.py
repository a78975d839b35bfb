"""The daemon in-process with real components: APScheduler, ffmpeg, SQLite, the air-check file."""

from datetime import datetime, timedelta, timezone

import pytest

from sqlalchemy import select

from broadcaster.db.models import AsRunStatus, Bulletin, PlanStatus, SlotTemplate, Topic, Trigger
from broadcaster.playout import read_heartbeat
from broadcaster.playout.errors import PlayoutError
from broadcaster.playout.daemon import Daemon
from broadcaster.station.context import StationContext

from tests.playout.conftest import decode_seconds

ON_POSTGRES = True  # these tests run on SQLite and on PostgreSQL (tests/conftest.py)


def aircheck_files(plant, air_date):
    return sorted((plant.home / "aircheck" / air_date.isoformat()).glob("*.mp3"))


def test_slot_airs_on_time_with_item_rows_and_an_air_check_as_long_as_the_programme(plant, daemon_factory):
    air_date, starts = plant.slot("thu", 3)
    plant.plan("thu", air_date, seconds=4)
    daemon_factory()
    row = plant.closed_slot("thu", 25)
    assert row.status is AsRunStatus.PLAYED, row.error
    assert row.trigger is Trigger.SCHEDULE and row.plan_version == 1 and row.content_hash == "hash-thu-1"
    assert row.scheduled_at == starts and abs((row.started_at - starts).total_seconds()) < 2
    assert row.outputs == ["aircheck"] and abs(row.played_ms - 4000) < 100
    items = plant.rows(kind="item", parent_id=row.id)
    assert [(i.status, i.offset_ms) for i in items] == [(AsRunStatus.PLAYED, 500), (AsRunStatus.PLAYED, 2000)]
    assert items[0].started_at == row.started_at + timedelta(milliseconds=500)
    [recording] = aircheck_files(plant, air_date)
    assert recording.name == "thu-v1.mp3"
    seconds, peak = decode_seconds(recording)
    assert abs(seconds - 4.0) < 0.3 and peak > -40


def test_the_log_takes_topic_and_source_from_the_approved_version(plant, daemon_factory):
    """A topic edited after approval does not change the record of what the version was."""
    air_date, _ = plant.slot("chu", 3)
    plant.plan("chu", air_date, seconds=3, topic="an-ninh")
    with plant.ctx.session() as session:  # the editor files the bulletins under another topic
        other = session.scalar(select(Topic).where(Topic.code == "y-te"))
        for bulletin in session.scalars(select(Bulletin)):
            bulletin.topic_id = other.id
    daemon_factory()
    row = plant.closed_slot("chu", 25)
    items = plant.rows(kind="item", parent_id=row.id)
    assert len(items) == 2
    assert {(i.topic_code, i.source) for i in items} == {("an-ninh", "speech")}


def test_a_plan_approved_while_the_daemon_runs_is_picked_up(plant, daemon_factory):
    air_date, _ = plant.slot("moi", 7)
    plan_id = plant.plan("moi", air_date, seconds=3, status=PlanStatus.DRAFT)
    daemon = daemon_factory()
    assert not [j for j in daemon.scheduler.get_jobs() if j.id.startswith("slot:")]
    plant.approve(plan_id)
    plant.wait_for(lambda: daemon.scheduler.get_job(f"slot:{plan_id}:v1"), 10, "the new job")
    assert plant.closed_slot("moi", 20).status is AsRunStatus.PLAYED


def test_a_job_whose_plan_is_no_longer_airable_is_removed_and_the_slot_missed(plant, daemon_factory):
    air_date, _ = plant.slot("doi", 9, grace=1)
    first = plant.plan("doi", air_date, seconds=3)
    daemon = daemon_factory()
    assert daemon.scheduler.get_job(f"slot:{first}:v1")
    plant.plan("doi", air_date, seconds=3, version=2, status=PlanStatus.DRAFT)  # an edit, not approved
    plant.wait_for(lambda: daemon.scheduler.get_job(f"slot:{first}:v1") is None, 10, "job removal")
    row = plant.closed_slot("doi", 20)
    assert row.status is AsRunStatus.MISSED and row.error == "chưa được duyệt"
    assert row.plan_version == 2 and not aircheck_files(plant, air_date)


def test_late_start_inside_grace_plays_from_the_beginning_and_past_grace_is_missed(plant, daemon_factory):
    plant.configure("[playout]\nclock_settle_seconds = 0")  # the clock is right: no settling
    air_date, starts = plant.slot("tre", -3, grace=60)
    plant.plan("tre", air_date, seconds=3)
    past_date, _ = plant.slot("qua", -20, grace=5)
    plant.plan("qua", past_date, seconds=3)
    draft_date, _ = plant.slot("nhap", -40, grace=5)
    plant.plan("nhap", draft_date, seconds=3, status=PlanStatus.DRAFT)
    daemon_factory()
    late = plant.closed_slot("tre", 20)
    assert late.status is AsRunStatus.PLAYED and late.offset_ms == 0 and abs(late.played_ms - 3000) < 100
    assert (late.started_at - starts).total_seconds() >= 3
    missed = plant.closed_slot("qua", 5)
    assert missed.status is AsRunStatus.MISSED and "thời gian cho phép trễ" in missed.error
    assert missed.played_ms == 0 and missed.started_at is None
    assert {i.status for i in plant.rows(kind="item", parent_id=missed.id)} == {AsRunStatus.MISSED}
    unapproved = plant.closed_slot("nhap", 5)
    assert unapproved.status is AsRunStatus.MISSED and unapproved.error == "chưa được duyệt"


def test_a_corrupt_programme_fails_and_the_next_slot_still_airs(plant, daemon_factory):
    air_date, _ = plant.slot("hong", 3)
    plant.plan("hong", air_date, corrupt=True)
    gone_date, _ = plant.slot("mat", 3.5)
    plant.plan("mat", gone_date, missing=True)
    next_date, _ = plant.slot("sau", 6)
    plant.plan("sau", next_date, seconds=3)
    daemon_factory()
    broken = plant.closed_slot("hong", 20)
    assert broken.status is AsRunStatus.FAILED and "hỏng" in broken.error
    assert {i.status for i in plant.rows(kind="item", parent_id=broken.id)} == {AsRunStatus.FAILED}
    missing = plant.closed_slot("mat", 20)
    assert missing.status is AsRunStatus.FAILED and "không tìm thấy" in missing.error
    assert plant.closed_slot("sau", 20).status is AsRunStatus.PLAYED


def test_a_dead_output_is_recorded_and_the_air_check_is_still_complete(plant, daemon_factory):
    plant.configure('[playout]\ndevice = "alsa:no_such_card_here"')
    air_date, _ = plant.slot("loa", 3)
    plant.plan("loa", air_date, seconds=4)
    daemon = daemon_factory(outputs=("device", "aircheck"))
    assert any("card âm thanh" in note for note in daemon.notes)
    row = plant.closed_slot("loa", 25)
    assert row.status is AsRunStatus.PLAYED and row.outputs == ["aircheck"]
    assert row.error.startswith("device")
    seconds, _ = decode_seconds(aircheck_files(plant, air_date)[0])
    assert abs(seconds - 4.0) < 0.3


def test_heartbeat_shows_what_airs_and_a_second_daemon_is_refused(plant, daemon_factory):
    air_date, _ = plant.slot("tim", 3)
    plant.plan("tim", air_date, seconds=5)
    daemon_factory()

    def playing():
        with plant.ctx.session() as session:
            beat = read_heartbeat(session, plant.ctx.station(session).id)
            return beat if beat and beat.playing and beat.playing["position_ms"] else None

    beat = plant.wait_for(playing, 20, "a heartbeat while airing")
    assert beat.alive and beat.playing["slot"] == "tim" and beat.playing["outputs"] == {"aircheck": "ok"}
    with pytest.raises(PlayoutError, match="đang chạy"):
        Daemon(StationContext(str(plant.home)), ["aircheck"]).start()
    plant.closed_slot("tim", 20)


def test_a_slot_moved_to_another_time_is_rescheduled_without_a_restart(plant, daemon_factory):
    # as the admin's Lịch phát page does: the slot's start time changes in the database
    air_date, starts = plant.slot("doigio", 120, grace=30)
    plan_id = plant.plan("doigio", air_date, seconds=3)
    daemon = daemon_factory()
    job = daemon.scheduler.get_job(f"slot:{plan_id}:v1")
    assert job is not None and job.next_run_time > datetime.now(timezone.utc) + timedelta(seconds=100)
    moved = (datetime.now(timezone.utc) + timedelta(seconds=10)).astimezone(plant.zone).replace(microsecond=0)
    with plant.ctx.session() as session:
        slot = session.scalar(select(SlotTemplate).where(SlotTemplate.name == "doigio"))
        slot.start_time = moved.time()
    row = plant.closed_slot("doigio", 40)
    assert row.status is AsRunStatus.PLAYED, row.error
    assert row.scheduled_at == moved.astimezone(timezone.utc)
    assert abs((row.started_at - row.scheduled_at).total_seconds()) < 2
