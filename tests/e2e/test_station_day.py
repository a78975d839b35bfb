"""A commune's day in a real browser: write, hear, plan, approve from a phone, air, see it logged."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORDS

NOTICE = "UBND xã thông báo: ngày 15/3/2024 tiêm 1.250 liều vắc xin"
TITLE = "Thông báo tiêm chủng mở rộng"
PHONE = {"width": 390, "height": 844}


def sign_in(page: Page, url: str, username: str) -> None:
    page.goto(url + "/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORDS[username])
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def write_bulletin(page: Page, url: str) -> None:
    page.goto(url + "/ban-tin/moi")
    page.get_by_label("Tiêu đề").fill(TITLE)
    page.get_by_label("Chủ đề").select_option(label="Y tế, phòng chống dịch bệnh")
    page.get_by_label("Nội dung").fill(NOTICE)
    page.get_by_role("button", name="Lưu bản tin").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()


def check_spoken_form(page: Page) -> None:
    spoken = page.locator("p.spoken")
    expect(spoken).to_contain_text("ủy ban nhân dân")
    expect(spoken).to_contain_text("một nghìn hai trăm năm mươi")
    expect(spoken).to_contain_text("mười lăm tháng ba năm hai nghìn không trăm hai mươi tư")
    acronym = page.locator("mark.r-lexicon").first
    expect(acronym).to_have_attribute("title", "từ viết tắt (từ điển chung): UBND → ủy ban nhân dân")
    expect(page.locator("mark.r-cardinal").first).to_contain_text("1.250")


def listen(page: Page) -> None:
    """Render the preview and check the browser can load the clip (served by its id)."""
    page.get_by_role("button", name="Đọc thử").click()
    expect(page.locator(".flash").first).to_contain_text("Đã tạo âm thanh")
    audio = page.locator("#nghe audio").first
    assert audio.get_attribute("src").startswith("/am-thanh/clip/")
    seconds = page.evaluate("""async () => {
        const audio = document.querySelector('#nghe audio');
        audio.preload = 'metadata'; audio.load();
        await new Promise((ok, fail) => { audio.onloadedmetadata = ok; audio.onerror = fail;
                                           setTimeout(fail, 15000); });
        return audio.duration; }""")
    assert seconds > 3


def plan_slot(page: Page, url: str, day: str) -> None:
    page.goto(f"{url}/ke-hoach?ngay={day}")
    page.get_by_role("button", name="Lập kế hoạch ngày").click()
    expect(page.locator(".flash").first).to_contain_text("Đã lập kế hoạch", timeout=180_000)
    slot = page.locator("#slot-thu")
    expect(slot).to_contain_text(TITLE)
    expect(slot.locator(".state")).to_have_text("chờ duyệt")


def approve_on_a_phone(browser, url: str, day: str, shots: Path) -> None:
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = phone.new_page()
    sign_in(page, url, "hung")
    page.goto(f"{url}/ke-hoach?ngay={day}")
    page.screenshot(path=str(shots / "ke-hoach-dien-thoai.png"), full_page=True)
    approve = page.get_by_role("button", name="Duyệt phiên bản 1")
    box = approve.bounding_box()
    assert box["width"] >= 300 and box["height"] >= 44  # a big touch target on a 390 px screen
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= PHONE["width"], "the playlist must not scroll sideways on a phone"
    approve.click()
    expect(page.locator(".flash").first).to_contain_text("Đã duyệt buổi phát thử")
    expect(page.locator("#slot-thu .decision")).to_contain_text("Nguyễn Văn Hùng")
    page.screenshot(path=str(shots / "ke-hoach-da-duyet-dien-thoai.png"), full_page=True)
    phone.close()


def wait_for_airing(page: Page, url: str, station) -> None:
    deadline = time.monotonic() + max(0, (station.slot_start - datetime.now(timezone.utc))
                                      .total_seconds()) + 150
    while time.monotonic() < deadline:
        page.goto(f"{url}/nhat-ky")
        items = page.locator("table.log tr.item", has_text=TITLE)
        slots = page.locator("table.log tr.slot", has_text="Buổi phát thử")
        if (items.count() and "đã phát" in items.first.inner_text()
                and slots.count() and "đã phát" in slots.first.inner_text()):
            return
        time.sleep(3)
    logs = "\n".join(p.read_text(errors="replace")[-3000:] for p in station.logs.iterdir())
    raise AssertionError(f"the bulletin did not air in time\n{logs}")


def test_a_bulletin_goes_from_the_editor_to_the_air_and_the_log(station, browser, shots):
    url, day = station.url, station.slot_date
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = desk.new_page()
    sign_in(page, url, "lan")
    write_bulletin(page, url)
    check_spoken_form(page)
    listen(page)
    page.screenshot(path=str(shots / "ban-tin-may-tinh.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots / "ban-tin-dien-thoai.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    plan_slot(page, url, day)
    assert datetime.now(timezone.utc) < station.slot_start, "planning took longer than the test allows"
    sign_out(page)

    approve_on_a_phone(browser, url, day, shots)

    sign_in(page, url, "hung")
    wait_for_airing(page, url, station)
    slot_row = page.locator("table.log tr.slot", has_text="Buổi phát thử").first
    expect(slot_row).to_contain_text("đã phát")
    src = slot_row.locator("audio").get_attribute("src")
    assert src.startswith("/am-thanh/ghi-song/")
    aircheck = page.request.get(url + src)
    assert aircheck.status == 200 and aircheck.headers["content-type"] == "audio/mpeg"
    assert len(aircheck.body()) > 20_000
    (recording,) = (station.home / "aircheck" / day).glob("thu-v1*.mp3")
    assert recording.stat().st_size == len(aircheck.body())
    page.screenshot(path=str(shots / "nhat-ky-may-tinh.png"), full_page=True)

    page.goto(url + "/")
    expect(page.locator("table").first).to_contain_text("đã phát")
    expect(page.get_by_text("đang chạy").first).to_be_visible()
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots / "hom-nay-dien-thoai.png"), full_page=True)
    page.goto(url + "/nhat-ky")
    page.screenshot(path=str(shots / "nhat-ky-dien-thoai.png"), full_page=True)
    desk.close()
