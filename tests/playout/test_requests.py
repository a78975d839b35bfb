"""Manual and emergency plays, the resume policy after an emergency, and the `log` command."""

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from broadcaster.db.models import (AsRun, AsRunStatus, AuditEvent, Bulletin, BulletinKind, Clip, Role,
                                   Trigger, User)
from broadcaster.db.playout_models import PlayRequest
from broadcaster.playout import request_play
from broadcaster.station.users import add_user

from tests.playout.conftest import make_tone


def add_users(plant):
    with plant.ctx.session() as session:
        station = plant.ctx.station(session)
        add_user(session, station, "kythuat", "matkhau123", [Role.OPERATOR])
        add_user(session, station, "bientap", "matkhau123", [Role.EDITOR])


def audit_actions(plant) -> list[str]:
    with plant.ctx.session() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_emergency_cuts_the_slot_then_the_slot_resumes_from_the_cut_item(plant, daemon_factory):
    add_users(plant)
    air_date, _ = plant.slot("khan", 3, length=120)
    plant.plan("khan", air_date, seconds=6)  # items at 0.5 s and 3.0 s, 2.5 s each
    alarm = make_tone(plant.home / "khan-cap.mp3", 2.0, frequency=880)
    daemon_factory()

    def airing_a_while():
        rows = plant.rows(kind="slot", slot_name="khan")
        return rows and rows[0].started_at and datetime.now(timezone.utc) - rows[0].started_at > timedelta(seconds=1.2)

    plant.wait_for(airing_a_while, 20, "the slot to air for a while")
    with plant.ctx.session() as session:
        station = plant.ctx.station(session)
        user = session.scalar(select(User).where(User.username == "kythuat"))
        request_id = request_play(session, station, user, plant.ctx.home, plant.ctx.renderer(session),
                                  path=str(alarm), emergency=True).id
    emergency = plant.wait_for(lambda: [r for r in plant.rows(kind="slot", trigger=Trigger.EMERGENCY)
                                        if r.ended_at], 20, "the emergency row")[0]
    assert emergency.status is AsRunStatus.EMERGENCY and emergency.operator == "kythuat"
    assert abs(emergency.played_ms - 2000) < 150
    def both_closed():
        closed = [r for r in plant.rows(kind="slot", slot_name="khan") if r.ended_at]
        return closed if len(closed) == 2 else None

    rows = plant.wait_for(both_closed, 25, "the resumed slot")
    cut, resumed = rows
    assert cut.status is AsRunStatus.INTERRUPTED and "khẩn cấp" in cut.error and cut.played_ms > 0
    assert cut.ended_at <= emergency.started_at
    cut_position = cut.played_ms
    expected = 500 if cut_position < 3000 else 3000
    assert resumed.status is AsRunStatus.PLAYED and resumed.offset_ms == expected
    assert resumed.trigger is Trigger.SCHEDULE and resumed.started_at >= emergency.ended_at
    cut_items = plant.rows(kind="item", parent_id=cut.id)
    assert cut_items[-1].status is AsRunStatus.INTERRUPTED
    with plant.ctx.session() as session:
        request = session.get(PlayRequest, request_id)
        assert request.done_at and request.as_run_id == emergency.id
    assert "playout.emergency" in audit_actions(plant) and "playout.resume" in audit_actions(plant)


def test_play_now_checks_the_role_and_airs_the_bulletins_current_text(plant, invoke, daemon_factory):
    add_users(plant)
    tone = make_tone(plant.home / "clips" / "b.mp3", 2.0)
    bulletin_id = plant.bulletin("Thông báo tiêm phòng")
    recording_id = plant.bulletin("Bản ghi âm chưa tải lên")
    with plant.ctx.session() as session:
        session.get(Bulletin, recording_id).kind = BulletinKind.RECORDING
    refused = invoke("play-now", "--file", str(tone), "--as", "bientap")
    assert refused.exit_code == 1 and "không có quyền" in refused.output
    no_clip = invoke("play-now", "--bulletin", str(recording_id), "--as", "kythuat")
    assert no_clip.exit_code == 1 and "chưa có âm thanh" in no_clip.output
    queued = invoke("play-now", "--bulletin", str(bulletin_id), "--as", "kythuat")
    assert queued.exit_code == 0 and "Thông báo tiêm phòng" in queued.output
    assert "không chạy" in queued.output and "quá hạn" in queued.output  # said, not failed
    with plant.ctx.session() as session:
        request = session.scalar(select(PlayRequest))
        clip = session.get(Clip, request.clip_id)
        assert clip.kind == "speech" and "tiêm phòng" in clip.spoken_text.lower()
    daemon_factory()
    row = plant.wait_for(lambda: [r for r in plant.rows(kind="slot", trigger=Trigger.MANUAL) if r.ended_at],
                         20, "the manual play")[0]
    assert row.status is AsRunStatus.PLAYED and row.operator == "kythuat" and row.bulletin_id == bulletin_id
    assert abs(row.played_ms - clip.duration_ms) < 150
    [item] = plant.rows(kind="item", parent_id=row.id)
    assert item.bulletin_id == bulletin_id and item.status is AsRunStatus.PLAYED
    assert audit_actions(plant).count("playout.play_now") == 1


def test_log_prints_one_line_per_row_between_local_dates(plant, invoke):
    with plant.ctx.session() as session:
        station = plant.ctx.station(session)
        for day, status in ((date(2024, 3, 1), AsRunStatus.PLAYED), (date(2024, 3, 2), AsRunStatus.MISSED)):
            at = datetime(day.year, day.month, day.day, 0, 0, tzinfo=timezone.utc) - timedelta(hours=1)
            session.add(AsRun(station_id=station.id, kind="slot", trigger=Trigger.SCHEDULE, status=status,
                              air_date=day, slot_name="sang", scheduled_at=at, started_at=at,
                              ended_at=at + timedelta(minutes=5), played_ms=300000, outputs=["device"]))
    text = invoke("log", "--from", "2024-03-02", "--to", "2024-03-02")
    assert text.exit_code == 0
    [line] = text.output.splitlines()
    assert line.startswith("2024-03-02  06:00:00  MISSED")
    csv = invoke("log", "--format", "csv").output.splitlines()
    assert csv[0].startswith("mã,loại") and len(csv) == 3 and ",PLAYED," in csv[1]
    staff_typed = invoke("log", "--from", "1/3/2024", "--to", "01/03/2024")
    assert [line[:10] for line in staff_typed.output.splitlines()] == ["2024-03-01"]
    bad = invoke("log", "--from", "31/02/2024")
    assert bad.exit_code == 2 and "không phải ngày hợp lệ" in bad.output
