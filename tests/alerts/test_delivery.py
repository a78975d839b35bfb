"""Alerts reach real servers: e-mail over SMTP, a JSON webhook, Telegram through apprise."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from broadcaster.alerts.delivery import AlertError, describe
from broadcaster.alerts.watcher import Watcher
from broadcaster.db.watch_models import AlertDelivery, AlertTarget
from broadcaster.station.context import StationContext


def configure(home, *urls):
    with open(home / "broadcaster.toml", "a", encoding="utf-8") as settings:
        settings.write("\n[alerts]\ntargets = [" + ", ".join(f'"{u}"' for u in urls) + "]\n")


def deliveries(ctx):
    with ctx.session() as session:
        return session.scalars(select(AlertDelivery).order_by(AlertDelivery.id)).all()


def test_alert_test_reaches_email_webhook_and_telegram(station_home, invoke, smtp, webhook, telegram):
    configure(station_home, smtp.url, webhook.url, telegram.url)
    result = invoke("alert", "test")
    assert result.exit_code == 0, result.output
    assert "Đã gửi thử tới 3/3 nơi nhận." in result.output
    for inbox in (smtp, webhook):
        _, _, title, body = inbox.wait_for("Thử gửi cảnh báo")
        assert title == "[Đài truyền thanh xã Lệ Xá] Thử gửi cảnh báo"
        assert "do lệnh broadcaster alert test yêu cầu" in body
    assert smtp.recipients == ["can-bo@le-xa.vn"]
    assert "Thử gửi cảnh báo" in telegram.texts()[0] and str(telegram.chat) == "-100123456"
    assert any("/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage" in u
               for u in telegram.requests)
    rows = deliveries(StationContext(str(station_home)))
    assert [(r.notice, r.attempts, r.sent_at is not None) for r in rows] == [("test", 1, True)] * 3
    assert all("AAHdqTcv" not in r.target_label for r in rows)   # no secret in the log


def test_a_dead_target_is_recorded_and_never_holds_up_the_others(station_home, invoke, webhook):
    configure(station_home, "json://127.0.0.1:9/chet", webhook.url)
    result = invoke("alert", "test")
    assert result.exit_code == 1
    assert "KHÔNG gửi được: json://127.0.0.1:9/chet" in result.output
    assert "Đã gửi thử tới 1/2 nơi nhận." in result.output
    webhook.wait_for("Thử gửi cảnh báo")
    dead, alive = deliveries(StationContext(str(station_home)))
    assert dead.sent_at is None and dead.error and dead.gave_up_at is not None
    assert alive.sent_at is not None


def test_alert_test_without_targets_says_how_to_add_them(station_home, invoke):
    result = invoke("alert", "test")
    assert result.exit_code == 1
    assert "chưa có nơi nhận cảnh báo nào" in result.output


def test_a_failed_delivery_is_retried_until_sent(station_home, webhook):
    webhook.handler.fail_first = 2
    configure(station_home, webhook.url)
    ctx = StationContext(str(station_home))
    moment = [datetime.now(timezone.utc)]
    watcher = Watcher(ctx, clock=lambda: moment[0])
    with ctx.session() as session:
        from broadcaster.alerts import delivery
        station = ctx.station(session)
        delivery.queue(session, station.id, None, "alert", "[Đài] Buổi phát bị lỡ", "Buổi sáng bị lỡ.",
                       delivery.targets(session, station.id, ctx.settings), moment[0])
    assert watcher.deliver() == 0
    [row] = deliveries(ctx)
    assert row.attempts == 1 and row.next_try_at == moment[0] + timedelta(seconds=30)
    assert "500" in row.error or row.error
    assert watcher.deliver() == 0          # not due yet: nothing is sent
    moment[0] += timedelta(seconds=30)
    assert watcher.deliver() == 0          # second failure: 60 s later next
    [row] = deliveries(ctx)
    assert row.attempts == 2 and row.next_try_at == moment[0] + timedelta(seconds=60)
    moment[0] += timedelta(seconds=60)
    assert watcher.deliver() == 1
    [row] = deliveries(ctx)
    assert row.attempts == 3 and row.sent_at == moment[0] and row.next_try_at is None
    webhook.wait_for("Buổi sáng bị lỡ.")


def test_a_delivery_whose_target_was_removed_is_given_up(station_home, webhook):
    ctx = StationContext(str(station_home))
    with ctx.session() as session:
        station = ctx.station(session)
        target = AlertTarget(station_id=station.id, url=webhook.url, added_by="admin")
        session.add(target)
        from broadcaster.alerts import delivery
        session.flush()
        delivery.queue(session, station.id, None, "alert", "t", "b",
                       delivery.targets(session, station.id, ctx.settings),
                       datetime.now(timezone.utc))
        session.delete(target)
    Watcher(ctx).deliver()
    [row] = deliveries(ctx)
    assert row.gave_up_at is not None and row.error == "địa chỉ nhận đã bị gỡ khỏi danh sách"


def test_target_urls_are_checked_and_shown_without_secrets():
    assert describe("tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/-100123456") \
        .startswith("tgram://1...w/")
    with pytest.raises(AlertError, match="địa chỉ nhận cảnh báo không hợp lệ: khong-phai-url"):
        describe("khong-phai-url")
