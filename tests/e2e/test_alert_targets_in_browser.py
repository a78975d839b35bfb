"""An admin sets up where alerts go and sends a test, in a real browser against `broadcaster serve`."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.alerts.conftest import start_webhook
from tests.e2e.conftest import cli

PASSWORD = "quan-tri-e2e-1"


def test_an_admin_adds_a_webhook_and_the_test_alert_arrives(station, browser, shots):
    cli(station.home, "user", "add", "quantri", "--role", "admin", "--full-name", "Lê Văn Quản",
        "--password-stdin", input=PASSWORD + "\n")
    inbox, server = start_webhook()
    page = browser.new_page()
    try:
        page.goto(station.url + "/dang-nhap")
        page.get_by_label("Tên đăng nhập").fill("quantri")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.get_by_role("link", name="Cảnh báo").click()
        expect(page.get_by_role("heading", name="Cảnh báo cho cán bộ")).to_be_visible()
        page.get_by_label("Địa chỉ nhận (theo cú pháp apprise)").fill("sai-dia-chi")
        page.get_by_role("button", name="Thêm nơi nhận").click()
        expect(page.locator(".flash.error")).to_contain_text("Địa chỉ nhận cảnh báo không hợp lệ")
        page.get_by_label("Địa chỉ nhận (theo cú pháp apprise)").fill(inbox.url)
        page.get_by_role("button", name="Thêm nơi nhận").click()
        expect(page.locator(".flash").first).to_contain_text("Đã thêm nơi nhận cảnh báo")
        page.get_by_role("button", name="Gửi thử").click()
        expect(page.locator(".flash").first).to_contain_text("Đã gửi thử tới json://127.0.0.1:")
        _, _, title, body = inbox.wait_for("Thử gửi cảnh báo", 30)
        assert title == "[Đài truyền thanh xã Lệ Xá] Thử gửi cảnh báo"
        assert "do Lê Văn Quản yêu cầu" in body
        expect(page.get_by_text("đã gửi (1 lần thử)")).to_be_visible()
        page.screenshot(path=str(shots / "canh-bao.png"), full_page=True)
    finally:
        page.close()
        server.shutdown()
