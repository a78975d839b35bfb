"""The dashboard: slot states from plans and the as-run log, next slot, heartbeat, warnings."""

import html
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from broadcaster.db.models import AsRunStatus, PlanStatus, Station
from tests.web.rows import add_plan, add_slot, aired, beat


@pytest.fixture
def ten_oclock(world, monkeypatch):
    """The page's clock reads 10:00 local time today."""
    with world.session() as session:
        zone = ZoneInfo(session.scalar(select(Station)).timezone)
    moment = datetime.combine(world.today(), time(10, 0), tzinfo=zone).astimezone(timezone.utc)
    monkeypatch.setattr("web.forms.now", lambda: moment)
    monkeypatch.setattr("web.today.now", lambda: moment)
    return moment


def test_slot_states_come_from_plans_and_the_log(as_role, client, world):
    add_plan(world, "sang", PlanStatus.APPROVED)
    aired(world, "sang", AsRunStatus.MISSED, "tiến trình phát không chạy lúc đến giờ")
    add_plan(world, "chieu", PlanStatus.DRAFT)
    as_role("reporter")
    page = html.unescape(client.get("/").get_data(as_text=True))
    assert "bỏ lỡ" in page and "chờ duyệt" in page
    assert "Buổi sáng lúc 06:00 bỏ lỡ: tiến trình phát không chạy lúc đến giờ" in page
    assert "không chạy" in page and "chưa từng chạy" in page


def test_played_slot_and_a_live_heartbeat(as_role, client, world):
    add_plan(world, "sang", PlanStatus.APPROVED)
    aired(world, "sang", AsRunStatus.PLAYED)
    beat(world, 2, {"title": "Buổi chiều", "item": "Thông báo tiêm phòng", "position_ms": 65_000})
    as_role("operator")
    page = client.get("/").get_data(as_text=True)
    assert "đã phát" in page and "đang chạy" in page
    assert "Buổi chiều" in page and "Thông báo tiêm phòng" in page and "(1:05)" in page


def test_a_stale_heartbeat_reads_not_running(as_role, client, world):
    beat(world, 120, {"title": "Buổi sáng"})
    as_role("editor")
    page = client.get("/").get_data(as_text=True)
    assert "không chạy" in page and "lần cuối thấy lúc" in page and "Đang phát" not in page


def test_warnings_for_a_soon_unapproved_slot_and_a_failed_render(as_role, client, world, ten_oclock):
    add_slot(world, "gan", time(10, 45))
    add_plan(world, "gan", PlanStatus.DRAFT,
             warnings=["Không tạo được âm thanh cho 'Tin bão': espeak-ng lỗi"])
    as_role("approver")
    page = html.unescape(client.get("/").get_data(as_text=True))
    assert "Cần chú ý" in page
    assert "sắp đến giờ nhưng chưa được duyệt (phiên bản 1 chờ duyệt)" in page
    assert "Không tạo được âm thanh cho 'Tin bão'" in page
    assert "Buổi phát tiếp theo" in page and "Buổi gan" in page
    assert 'data-countdown="2700"' in page and "Còn" in page


def test_unplanned_soon_slot_warns(as_role, client, world, ten_oclock):
    add_slot(world, "sap", time(11, 30))
    as_role("approver")
    page = client.get("/").get_data(as_text=True)
    assert "Buổi sap lúc 11:30 sắp đến giờ nhưng chưa lập kế hoạch." in page
    assert "Buổi chiều lúc 17:00 sắp đến giờ" not in page  # seven hours away


def test_next_slot_skips_one_that_already_aired(as_role, client, world, ten_oclock):
    add_slot(world, "som", time(9, 50))
    add_slot(world, "muon", time(11, 0))
    aired(world, "som", AsRunStatus.PLAYED)
    as_role("operator")
    page = client.get("/").get_data(as_text=True)
    next_card = page[page.index("Buổi phát tiếp theo"):page.index("Tiến trình phát")]
    assert "Buổi muon" in next_card and 'data-countdown="3600"' in next_card
