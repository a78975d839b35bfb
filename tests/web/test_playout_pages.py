"""Playout pages: emergency broadcast in two steps, play now, re-play a missed slot."""

import html
import re

from sqlalchemy import select

from broadcaster.db.models import (AsRunStatus, AuditEvent, Bulletin, BulletinStatus, Clip,
                                   PlanStatus, Priority)
from broadcaster.db.playout_models import PlayRequest
from tests.web.rows import add_plan, aired, beat


def test_emergency_text_is_rendered_confirmed_then_queued(as_role, post, client, world):
    as_role("operator")
    assert client.get("/phat/khan-cap").status_code == 200
    step = post("/phat/khan-cap", {"bulletin": "", "text": "Bão số 3 sắp đổ bộ, bà con chằng chống nhà cửa."})
    page = html.unescape(step.get_data(as_text=True))
    assert step.status_code == 200 and "Xác nhận phát khẩn cấp" in page
    assert "Tiến trình phát đang KHÔNG chạy" in page
    with world.session() as session:
        bulletin = session.scalar(select(Bulletin))
        clip = session.scalar(select(Clip).where(Clip.bulletin_id == bulletin.id))
        assert bulletin.priority is Priority.EMERGENCY and bulletin.status is BulletinStatus.ARCHIVED
        assert "bão số ba" in clip.spoken_text
        assert session.scalar(select(PlayRequest)) is None  # nothing airs before the confirmation
    assert f"/am-thanh/clip/{clip.id}" in page
    token = re.search(r'name="bulletin_id" type="hidden" value="(\d+)"', page)
    assert token and int(token.group(1)) == bulletin.id
    done = html.unescape(post("/phat/khan-cap/xac-nhan", {"bulletin_id": str(bulletin.id)},
                              follow=True).get_data(as_text=True))
    assert "ĐÃ GỬI LỆNH PHÁT KHẨN CẤP" in done and "Tiến trình phát đang không chạy" in done
    with world.session() as session:
        request = session.scalar(select(PlayRequest))
        assert request.emergency and request.bulletin_id == bulletin.id and request.clip_id == clip.id
        assert request.operator == "tuan"
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "playout.emergency"))
        assert event.actor == "tuan"
    assert "khẩn cấp" in client.get("/phat").get_data(as_text=True)


def test_emergency_needs_exactly_one_source(as_role, post, world):
    bulletin = world.bulletin()
    as_role("operator")
    both = html.unescape(post("/phat/khan-cap", {"bulletin": str(bulletin), "text": "x"})
                         .get_data(as_text=True))
    assert "Hãy chọn một bản tin hoặc viết thông báo (chỉ một trong hai)." in both
    neither = html.unescape(post("/phat/khan-cap", {"bulletin": "", "text": ""}).get_data(as_text=True))
    assert "chỉ một trong hai" in neither
    bad = post("/phat/khan-cap/xac-nhan", {"bulletin_id": "../../1"}, follow=True)
    assert "Yêu cầu xác nhận không hợp lệ" in html.unescape(bad.get_data(as_text=True))
    with world.session() as session:
        assert session.scalar(select(PlayRequest)) is None


def test_emergency_with_an_existing_bulletin_and_a_live_daemon(as_role, post, world):
    bulletin = world.bulletin(title="Cảnh báo lũ", body="Nước sông dâng cao.", priority=Priority.EMERGENCY)
    beat(world, 1)
    as_role("admin")
    page = html.unescape(post("/phat/khan-cap", {"bulletin": str(bulletin), "text": ""}).get_data(as_text=True))
    assert "Cảnh báo lũ" in page and "KHÔNG chạy" not in page
    done = html.unescape(post("/phat/khan-cap/xac-nhan", {"bulletin_id": str(bulletin)}, follow=True)
                         .get_data(as_text=True))
    assert "ĐÃ GỬI LỆNH PHÁT KHẨN CẤP «Cảnh báo lũ»" in done and "đang không chạy" not in done


def test_play_now_airs_the_clip_of_the_bulletins_current_text(as_role, post, client, world):
    bulletin = world.bulletin(title="Thông báo họp")
    as_role("editor")  # a preview in another voice must not be what airs
    post(f"/ban-tin/{bulletin}/doc-thu", {"engine": "", "voice": "vi-vn-x-south", "speed": "1.2"})
    as_role("operator")
    page = client.get("/phat").get_data(as_text=True)
    assert f'value="{bulletin}"' in page
    done = html.unescape(post("/phat/phat-ngay", {"bulletin": str(bulletin)}, follow=True)
                         .get_data(as_text=True))
    assert "Đã gửi yêu cầu phát «Thông báo họp»." in done
    with world.session() as session:
        request = session.scalar(select(PlayRequest))
        assert not request.emergency and request.bulletin_id == bulletin
        clip = session.get(Clip, request.clip_id)
        assert clip.voice == "vi" and clip.options["speed"] == 1.0  # the station's own voice
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "playout.play_now"))


def test_a_missed_approved_slot_can_be_played_again(as_role, post, client, world, station_home):
    (station_home / "programmes").mkdir()
    (station_home / "programmes" / "sang.mp3").write_bytes(b"ID3" + b"\0" * 2000)
    plan = add_plan(world, "sang", PlanStatus.APPROVED, programme="programmes/sang.mp3")
    aired(world, "sang", AsRunStatus.MISSED, "tiến trình phát không chạy")
    as_role("operator")
    page = client.get("/phat").get_data(as_text=True)
    assert f"/phat/phat-lai/{plan}" in page
    done = html.unescape(post(f"/phat/phat-lai/{plan}", follow=True).get_data(as_text=True))
    assert "Đã gửi yêu cầu phát lại buổi sáng (phiên bản 1)." in done
    with world.session() as session:
        request = session.scalar(select(PlayRequest))
        assert request.path == "programmes/sang.mp3" and not request.emergency
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "playout.play_now"))
        assert "phát lại buổi sáng" in event.comment


def test_only_an_approved_plan_is_played_again(as_role, post, world):
    plan = add_plan(world, "sang", PlanStatus.DRAFT)
    as_role("operator")
    page = html.unescape(post(f"/phat/phat-lai/{plan}", follow=True).get_data(as_text=True))
    assert "Chỉ phát lại được phiên bản đã duyệt" in page
