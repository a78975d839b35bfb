"""The Cảnh báo page (admins) and GET /suc-khoe (monitoring)."""

from sqlalchemy import select

from broadcaster.db.models import AuditEvent
from broadcaster.db.watch_models import AlertDelivery, AlertTarget
from broadcaster.home import Home
from tests.alerts.conftest import webhook  # noqa: F401  (the real webhook server)


def test_an_admin_adds_a_target_sends_a_test_and_removes_it(client, as_role, post, world, webhook):
    as_role("admin")
    response = post("/quan-tri/canh-bao/them", {"url": "khong phai dia chi"})
    assert response.status_code == 400
    assert "Địa chỉ nhận cảnh báo không hợp lệ: khong phai dia chi" in response.get_data(as_text=True)
    response = post("/quan-tri/canh-bao/them", {"url": webhook.url}, follow=True)
    page = response.get_data(as_text=True)
    assert "Đã thêm nơi nhận cảnh báo json://127.0.0.1:" in page
    response = post("/quan-tri/canh-bao/gui-thu", follow=True)
    assert "Đã gửi thử tới json://127.0.0.1:" in response.get_data(as_text=True)
    _, _, title, body = webhook.wait_for("Thử gửi cảnh báo")
    assert "do admin yêu cầu" in body or "do Quản trị viên yêu cầu" in body
    with world.session() as session:
        target = session.scalars(select(AlertTarget)).one()
        assert session.scalars(select(AlertDelivery)).one().sent_at is not None
        assert session.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "alert_target.add")) == "alert_target.add"
    page = client.get("/quan-tri/canh-bao").get_data(as_text=True)
    assert "Tin đã gửi" in page and "đã gửi (1 lần thử)" in page
    response = post(f"/quan-tri/canh-bao/{target.id}/xoa", follow=True)
    assert "Đã gỡ nơi nhận" in response.get_data(as_text=True)
    with world.session() as session:
        assert session.scalars(select(AlertTarget)).all() == []


def test_secrets_of_a_target_are_never_shown(client, as_role, post, world):
    as_role("admin")
    post("/quan-tri/canh-bao/them",
         {"url": "mailtos://can-bo:mat-khau-bi-mat@smtp.example.com?to=chu-tich@example.com"})
    page = client.get("/quan-tri/canh-bao").get_data(as_text=True)
    assert "mailtos://can-bo:****@smtp.example.com" in page
    assert "mat-khau-bi-mat" not in page


def test_the_health_route_is_public_only_for_what_reveals_nothing(client, station_ctx):
    response = client.get("/suc-khoe")
    assert response.status_code == 503   # no playout daemon has ever run: down
    assert response.get_json() == {"status": "down", "heartbeat": "none", "database": "ok"}
    token = Home(station_ctx.settings.home).health_token.read_text().strip()
    full = client.get("/suc-khoe", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert full["station"] == "Đài truyền thanh xã Lệ Xá" and full["daemon"] is None
    assert {"next_slot", "disks", "last_backup", "open_alerts"} <= set(full)
    wrong = client.get("/suc-khoe", headers={"Authorization": "Bearer sai"})
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "mã API không đúng"
    assert "station" not in wrong.get_json()


def test_the_admin_page_shows_the_api_token(client, as_role, station_ctx):
    as_role("admin")
    token = Home(station_ctx.settings.home).health_token.read_text().strip()
    assert token in client.get("/quan-tri/canh-bao").get_data(as_text=True)
