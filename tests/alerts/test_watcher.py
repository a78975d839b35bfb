"""The watcher over a real station database: faults recorded once, told at the interval, recovered."""

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from broadcaster.alerts.watcher import Watcher, open_alerts
from broadcaster.db.models import AsRun, AsRunStatus, DayPlan, PlanStatus, Trigger
from broadcaster.db.playout_models import PlayoutHeartbeat
from broadcaster.db.watch_models import Alert, AlertDelivery
from broadcaster.station.context import StationContext
from tests.alerts.test_delivery import configure
from tests.playout.conftest import Plant


def sent(ctx):
    with ctx.session() as session:
        return [(d.notice, d.title, d.body) for d in
                session.scalars(select(AlertDelivery).order_by(AlertDelivery.id))]


def beat(ctx, seen: datetime) -> None:
    with ctx.session() as session:
        station = ctx.station(session)
        row = session.get(PlayoutHeartbeat, station.id) or PlayoutHeartbeat(station_id=station.id)
        row.pid, row.host, row.started_at, row.seen_at, row.state = 1, "may-dai", seen, seen, {}
        session.merge(row)


def test_a_missed_slot_is_told_once_with_the_station_the_slot_and_the_time(station_home, webhook):
    configure(station_home, webhook.url)
    ctx = StationContext(str(station_home))
    now = datetime.now(timezone.utc)
    beat(ctx, now)
    with ctx.session() as session:
        station = ctx.station(session)
        session.add(AsRun(station_id=station.id, kind="slot", trigger=Trigger.SCHEDULE,
                          status=AsRunStatus.MISSED, air_date=date(2024, 3, 2), slot_name="sang",
                          scheduled_at=datetime(2024, 3, 1, 23, 0, tzinfo=timezone.utc),
                          ended_at=now, error="chưa được duyệt"))
    watcher = Watcher(ctx)
    assert [d.action for d in watcher.check()] == ["alert"]
    assert watcher.check() == []          # the same fault is never told twice
    watcher.deliver()
    _, _, title, body = webhook.wait_for("bị lỡ")
    assert title == "[Đài truyền thanh xã Lệ Xá] Buổi phát bị lỡ"
    assert body == "Buổi sáng lúc 06:00 02/03/2024 bị lỡ. Lý do: chưa được duyệt."
    with ctx.session() as session:
        assert open_alerts(session, ctx.station(session).id) == []   # a one-off is closed at once


def test_daemon_down_is_told_again_at_the_interval_and_recovers(station_home):
    ctx = StationContext(str(station_home))
    start = datetime.now(timezone.utc)
    clock = [start]
    watcher = Watcher(ctx, clock=lambda: clock[0])
    beat(ctx, start - timedelta(minutes=5))
    clock[0] = start + timedelta(seconds=31)
    assert [(d.action, d.kind) for d in watcher.check()] == [("alert", "daemon_down")]
    clock[0] += timedelta(minutes=30)
    assert watcher.check() == []
    clock[0] += timedelta(minutes=31)     # alerts.repeat_minutes = 60
    assert [d.action for d in watcher.check()] == ["reminder"]
    beat(ctx, clock[0])
    assert [(d.action, d.message) for d in watcher.check()] == [
        ("recovery", "Tiến trình phát đã chạy lại.")]
    assert [n for n, _, _ in sent(ctx)] == []   # no target: recorded, nothing to send
    with ctx.session() as session:
        alert = session.scalars(select(Alert)).one()
    assert alert.notices == 2 and alert.resolved_at == clock[0]


def test_an_unapproved_slot_near_air_then_approved(station_home, webhook):
    configure(station_home, webhook.url)
    plant = Plant(station_home, StationContext(str(station_home)))
    day, start = plant.slot("thu", in_seconds=20 * 60)
    plan_id = plant.plan("thu", day, status=PlanStatus.DRAFT)
    ctx = plant.ctx
    beat(ctx, datetime.now(timezone.utc))
    watcher = Watcher(ctx)
    assert [d.kind for d in watcher.check()] == ["unapproved"]
    plant.approve(plan_id)
    assert [d.action for d in watcher.check()] == ["recovery"]
    watcher.deliver()
    webhook.wait_for("vẫn chưa được duyệt, còn 19 phút")
    _, _, title, body = webhook.wait_for("đã được duyệt.")
    assert title == "[Đài truyền thanh xã Lệ Xá] Đã khắc phục: Buổi phát chưa được duyệt"


def test_a_render_failure_and_a_low_disk(station_home):
    plant = Plant(station_home, StationContext(str(station_home)))
    day, _ = plant.slot("thu", in_seconds=3 * 3600)
    plan_id = plant.plan("thu", day, status=PlanStatus.DRAFT)
    with plant.ctx.session() as session:
        session.get(DayPlan, plan_id).warnings = [
            "Không tạo được âm thanh cho 'Tin bão': không có bộ đọc nào dùng được"]
    configure(station_home, "json://127.0.0.1:9/x")
    with open(station_home / "broadcaster.toml", "a", encoding="utf-8") as settings:
        settings.write("disk_min_free_mb = 100000000\n")
    ctx = StationContext(str(station_home))
    beat(ctx, datetime.now(timezone.utc))
    found = {d.kind: d for d in Watcher(ctx).check()}
    assert set(found) == {"render_failed", "disk_low"}
    assert found["render_failed"].message.startswith(f"Buổi thu ngày {day:%d/%m/%Y}: Không tạo được")
    assert found["disk_low"].message.startswith(f"Ổ đĩa chứa {station_home} chỉ còn trống")


def test_a_failed_automatic_preparation_is_told(station_home):
    from broadcaster.cli.prepare import prepare_failed

    ctx = StationContext(str(station_home))
    beat(ctx, datetime.now(timezone.utc))
    prepare_failed(ctx, "tomorrow", "Không tạo được bản đọc bằng bộ đọc nào. [piper] Chưa chọn giọng")
    [decision] = Watcher(ctx).check()
    assert decision.kind == "render_failed" and not decision.ongoing
    assert decision.message == ("Chuẩn bị kế hoạch tự động (ngày mai): không thành công: Không tạo "
                                "được bản đọc bằng bộ đọc nào. [piper] Chưa chọn giọng")
    assert Watcher(ctx).check() == []


def test_a_relay_the_daemon_reports_down_is_told_and_its_return(station_home):
    """The contract with the relay feature: its channels in the heartbeat's `relays`."""
    ctx = StationContext(str(station_home))
    now = datetime.now(timezone.utc)
    beat(ctx, now)
    with ctx.session() as session:
        row = session.get(PlayoutHeartbeat, ctx.station(session).id)
        row.state = {"relays": [{"channel": "VOV1", "state": "down", "since": now.isoformat(),
                                 "error": "nguồn không trả lời"}]}
    watcher = Watcher(ctx)
    [decision] = watcher.check()
    assert decision.kind == "relay_down" and "Mất tín hiệu tiếp âm VOV1 từ" in decision.message
    with ctx.session() as session:
        session.get(PlayoutHeartbeat, ctx.station(session).id).state = {
            "relays": [{"channel": "VOV1", "state": "ok"}]}
    assert [(d.action, d.message) for d in watcher.check()] == [
        ("recovery", "Tín hiệu tiếp âm VOV1 đã trở lại.")]
