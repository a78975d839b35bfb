"""Play requests from the queue to their end: which clip, how long they wait, what a failure does."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from broadcaster.station.context import StationContext
from broadcaster.db.models import AsRunStatus, AuditEvent, Bulletin, Clip, Role, Trigger, User
from broadcaster.playout import request_play
from broadcaster.playout.daemon import Daemon
from broadcaster.station.users import add_user

from tests.playout.conftest import make_tone, plant_request, request_row


def operator(plant, session):
    user = session.scalar(select(User).where(User.username == "kythuat"))
    if user is None:
        user = add_user(session, plant.ctx.station(session), "kythuat", "matkhau123", [Role.OPERATOR])
        session.flush()
    return user


def audit_rows(plant, action: str) -> list[AuditEvent]:
    with plant.ctx.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- an emergency that cannot be decoded ---------------------------------------------------------

def test_an_undecodable_emergency_is_failed_and_does_not_cut_the_slot(plant, daemon_factory):
    air_date, _ = plant.slot("yen", 3, length=60)
    plant.plan("yen", air_date, seconds=6)
    broken = plant.home / "hong.mp3"
    broken.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\x00junk" * 400)
    daemon_factory()
    plant.wait_for(lambda: [r for r in plant.rows(kind="slot", slot_name="yen") if r.started_at],
                   20, "the slot on air")
    request_id = plant_request(plant, broken, emergency=True)
    failed = plant.wait_for(lambda: [r for r in plant.rows(trigger=Trigger.EMERGENCY, kind="slot")
                                     if r.ended_at], 20, "the failed emergency row")[0]
    assert failed.status is AsRunStatus.FAILED and "hỏng" in failed.error and failed.played_ms == 0
    slot = plant.closed_slot("yen", 20)
    assert slot.status is AsRunStatus.PLAYED and abs(slot.played_ms - 6000) < 150
    assert len(plant.rows(kind="slot", slot_name="yen")) == 1
    request = plant.wait_for(lambda: request_row(plant, request_id).done_at and request_row(plant, request_id),
                             10, "the request closed")
    assert "hỏng" in request.error and request.as_run_id == failed.id


# --- which clip a bulletin request airs ------------------------------------------------------------

def test_a_bulletin_request_airs_the_clip_of_its_current_text_not_the_newest_clip(plant):
    bulletin_id = plant.bulletin("Lịch tiêm phòng")
    make_tone(plant.home / "clips" / "old.mp3", 1.0)
    make_tone(plant.home / "clips" / "preview.mp3", 1.0)
    with plant.ctx.session() as session:
        station = plant.ctx.station(session)
        bulletin = session.get(Bulletin, bulletin_id)
        bulletin.body = "Sáng thứ bảy, trạm y tế xã tiêm phòng cho trẻ em."
        stale = dict(station_id=station.id, bulletin_id=bulletin_id, path="", duration_ms=1000,
                     lufs=-16, true_peak=-2, created_at=datetime.now(timezone.utc) + timedelta(hours=1))
        session.add(Clip(cache_key="old", kind="speech", engine="espeak", spoken_text="văn bản cũ",
                         **{**stale, "path": "clips/old.mp3"}))
        session.add(Clip(cache_key="preview", kind="speech", engine="gtts", spoken_text="bản nghe thử",
                         **{**stale, "path": "clips/preview.mp3"}))
    with plant.ctx.session() as session:
        request = request_play(session, plant.ctx.station(session), operator(plant, session),
                               plant.ctx.home, plant.ctx.renderer(session), bulletin_id=bulletin_id)
        clip = session.get(Clip, request.clip_id)
        assert clip.cache_key not in ("old", "preview") and clip.engine == "espeak"
        assert "tiêm phòng cho trẻ em" in clip.spoken_text.lower()
        assert request.path == clip.path and (plant.home / clip.path).is_file()


def test_an_explicit_clip_is_aired_as_given(plant):
    bulletin_id = plant.bulletin("Thông báo mất điện")
    make_tone(plant.home / "clips" / "confirmed.mp3", 1.0)
    with plant.ctx.session() as session:
        station = plant.ctx.station(session)
        clip = Clip(station_id=station.id, cache_key="confirmed", kind="speech", engine="espeak",
                    bulletin_id=bulletin_id, path="clips/confirmed.mp3", duration_ms=1000, lufs=-16,
                    true_peak=-2)
        session.add(clip)
        session.flush()
        request = request_play(session, station, operator(plant, session), plant.ctx.home,
                               plant.ctx.renderer(session), bulletin_id=bulletin_id,
                               clip_id=clip.id, emergency=True)
        assert request.clip_id == clip.id and request.path == "clips/confirmed.mp3"


# --- expiry and requests left behind -----------------------------------------------------------------

def test_a_request_older_than_its_ttl_is_closed_unplayed(plant, daemon_factory):
    tone = make_tone(plant.home / "cu.mp3", 1.0)
    old = datetime.now(timezone.utc) - timedelta(minutes=11)
    emergency = plant_request(plant, tone, emergency=True, created_at=old)
    manual = plant_request(plant, tone, created_at=old)
    fresh = plant_request(plant, tone)
    daemon_factory()
    plant.wait_for(lambda: request_row(plant, fresh).done_at, 20, "the fresh request aired")
    for request_id in (emergency, manual):
        request = request_row(plant, request_id)
        assert request.done_at and request.as_run_id is None and "quá hạn, không phát" in request.error
    rows = plant.rows(kind="slot")
    assert [r.trigger for r in rows] == [Trigger.MANUAL] and rows[0].status is AsRunStatus.PLAYED
    assert len(audit_rows(plant, "playout.request_expired")) == 2


def test_a_request_taken_by_a_previous_run_and_never_finished_is_reported_and_closed(plant, daemon_factory):
    tone = make_tone(plant.home / "do-dang.mp3", 1.0)
    taken = plant_request(plant, tone, taken_at=datetime.now(timezone.utc) - timedelta(seconds=30))
    daemon_factory()
    request = request_row(plant, taken)
    assert request.done_at and "chưa phát xong" in request.error
    [event] = audit_rows(plant, "playout.request_failed")
    assert event.object_id == taken and event.actor == "playout"
    assert plant.rows(kind="slot") == []  # not aired again


def test_a_request_is_committed_taken_before_its_job_is_scheduled(plant):
    tone = make_tone(plant.home / "lay.mp3", 1.0)
    request_id = plant_request(plant, tone)
    daemon = Daemon(StationContext(str(plant.home)), ["aircheck"], reconcile_seconds=2)
    seen = []
    add_job = daemon.scheduler.add_job

    def watching(func, *args, **kwargs):
        if str(kwargs.get("id", "")).startswith("request:"):
            seen.append(request_row(plant, request_id).taken_at)  # read by another connection
        return add_job(func, *args, **kwargs)

    daemon.scheduler.add_job = watching
    daemon.start()
    try:
        plant.wait_for(lambda: seen, 10, "the request job")
        assert seen[0] is not None
        plant.wait_for(lambda: request_row(plant, request_id).done_at, 20, "the request aired")
    finally:
        daemon.stop()
