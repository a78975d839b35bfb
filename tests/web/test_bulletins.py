import html
import re

from sqlalchemy import select

from broadcaster.audio.ffmpeg import probe
from broadcaster.db.models import (AuditEvent, Bulletin, BulletinStatus, Clip, PlanItem,
                                   PlanStatus, Priority, RepeatKind, Topic)

NOTICE = "UBND xã thông báo: ngày 15/3/2024 tiêm 1.250 liều vắc xin"


def topic_id(world, code="y-te"):
    with world.session() as session:
        return session.scalar(select(Topic.id).where(Topic.code == code))


def form(world, **changes):
    data = {"title": "Lịch tiêm chủng tháng 3", "topic": str(topic_id(world)), "priority": "normal",
            "status": "active", "valid_from": "2024-03-01", "valid_until": "2024-03-31",
            "repeat_kind": "every-slot", "repeat_count": "", "body": NOTICE}
    data.update(changes)
    return data


def test_editor_writes_a_bulletin_and_sees_its_spoken_form(as_role, post, client, world):
    as_role("editor")
    response = post("/ban-tin/moi", form(world, slots=["sang"], weekdays=["mon", "wed"],
                                         priority="priority"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Lịch tiêm chủng tháng 3" in page
    assert "ủy ban nhân dân" in page and "một nghìn hai trăm năm mươi" in page
    # every replacement is a <mark> whose title names the rule, the original and the reading
    marks = re.findall(r'<mark class="r r-(\w+)[^"]*" title="([^"]+)"', page)
    titles = {rule: html.unescape(title) for rule, title in marks}
    assert titles["lexicon"].startswith("từ viết tắt") and "UBND → ủy ban nhân dân" in titles["lexicon"]
    assert "1.250 → một nghìn hai trăm năm mươi" in titles["cardinal"]
    assert "15/3/2024 → mười lăm tháng ba" in titles["date"]
    with world.session() as session:
        bulletin = session.scalar(select(Bulletin))
        assert (bulletin.priority, bulletin.slots, bulletin.weekdays) == (
            Priority.PRIORITY, ["sang"], ["mon", "wed"])
        assert str(bulletin.valid_until) == "2024-03-31" and bulletin.author_id is not None
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "bulletin.create"))
        assert event.actor == "lan" and event.after["title"] == "Lịch tiêm chủng tháng 3"


def test_unreadable_tokens_are_flagged(as_role, client, world):
    bulletin = world.bulletin(body="Liên hệ phòng XYZQ hoặc gửi ☃ về xã.")
    as_role("reporter")
    page = client.get(f"/ban-tin/{bulletin}").get_data(as_text=True)
    assert "Cần kiểm tra" in page and "unreadable" in page
    assert "XYZQ" in page and "chữ viết tắt chưa có trong từ điển" in page


def test_invalid_form_shows_vietnamese_errors_and_stores_nothing(as_role, post, world):
    as_role("editor")
    response = post("/ban-tin/moi", form(world, title="", body="", valid_from="2024-03-10",
                                         valid_until="2024-03-01", repeat_kind="count"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for error in ("Hãy nhập tiêu đề.", "Ngày kết thúc phải sau ngày bắt đầu.", "Hãy nhập số lần phát.",
                  "Hãy nhập nội dung bản tin"):
        assert error in page
    with world.session() as session:
        assert session.scalar(select(Bulletin)) is None


def test_edit_is_audited_with_before_and_after(as_role, post, client, world):
    bulletin = world.bulletin()
    as_role("editor")
    assert "Thông báo tiêm phòng" in client.get(f"/ban-tin/{bulletin}/sua").get_data(as_text=True)
    response = post(f"/ban-tin/{bulletin}/sua", form(world, title="Tiêm phòng (sửa)",
                                                     repeat_kind="count", repeat_count="3"))
    assert response.status_code == 302
    with world.session() as session:
        row = session.get(Bulletin, bulletin)
        assert (row.title, row.repeat_kind, row.repeat_count) == ("Tiêm phòng (sửa)", RepeatKind.COUNT, 3)
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "bulletin.edit"))
        assert event.before["title"] == "Thông báo tiêm phòng"
        assert event.after["title"] == "Tiêm phòng (sửa)"


def test_editing_a_bulletin_of_an_approved_plan_is_flagged(as_role, post, world):
    from tests.web.rows import add_plan
    bulletin = world.bulletin()
    plan = add_plan(world, "chieu", PlanStatus.APPROVED)
    with world.session() as session:
        session.add(PlanItem(plan_id=plan, position=0, bulletin_id=bulletin, title="Thông báo tiêm phòng"))
    as_role("editor")
    page = html.unescape(post(f"/ban-tin/{bulletin}/sua", form(world, title="Đổi giờ tiêm"),
                              follow=True).get_data(as_text=True))
    assert "Bản tin này đang có trong kế hoạch đã duyệt" in page
    assert "vẫn phát nội dung cũ cho đến khi lập lại kế hoạch và duyệt lại" in page
    with world.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "bulletin.edit_approved"))
        assert "buổi chiều v1" in event.comment and event.after["title"] == "Đổi giờ tiêm"


def test_soft_delete_keeps_the_row_and_its_history(as_role, post, client, world):
    bulletin = world.bulletin()
    as_role("editor")
    response = post(f"/ban-tin/{bulletin}/xoa", follow=True)
    assert "Lịch sử phát của bản tin vẫn được giữ" in response.get_data(as_text=True)
    with world.session() as session:
        assert session.get(Bulletin, bulletin).deleted_at is not None
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "bulletin.delete"))
    assert "Thông báo tiêm phòng" not in client.get("/ban-tin").get_data(as_text=True)
    assert "Thông báo tiêm phòng" in client.get("/ban-tin?trang_thai=da-xoa").get_data(as_text=True)
    assert client.get(f"/ban-tin/{bulletin}/sua").status_code == 404
    assert "đã xóa" in client.get(f"/ban-tin/{bulletin}").get_data(as_text=True)


def test_a_deleted_bulletin_can_be_restored_by_an_editor_with_an_audit_event(as_role, post, client, world):
    bulletin = world.bulletin()
    as_role("editor")
    post(f"/ban-tin/{bulletin}/xoa")
    page = client.get(f"/ban-tin/{bulletin}").get_data(as_text=True)
    assert "Khôi phục bản tin" in page
    restored = post(f"/ban-tin/{bulletin}/khoi-phuc", follow=True).get_data(as_text=True)
    assert "Đã khôi phục bản tin «Thông báo tiêm phòng»" in restored
    assert "Thông báo tiêm phòng" in client.get("/ban-tin").get_data(as_text=True)
    with world.session() as session:
        assert session.get(Bulletin, bulletin).deleted_at is None
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "bulletin.restore"))
        assert event.before["deleted_at"] is not None and event.after["deleted_at"] is None
    again = post(f"/ban-tin/{bulletin}/khoi-phuc", follow=True).get_data(as_text=True)
    assert "chưa bị xóa" in again
    as_role("approver")
    assert post(f"/ban-tin/{bulletin}/khoi-phuc").status_code == 403


def test_list_filters_and_pages(as_role, client, world):
    for number in range(30):
        world.bulletin(title=f"Bản tin số {number:02d}", body="Nội dung thường.")
    world.bulletin(title="Cảnh báo bão số 3", body="Bão sắp đổ bộ.", priority=Priority.EMERGENCY)
    world.bulletin(title="Bản nháp chưa xong", status=BulletinStatus.DRAFT)
    as_role("approver")
    first = client.get("/ban-tin").get_data(as_text=True)
    assert "Trang 1 / 2" in first and "32 mục" in first
    second = client.get("/ban-tin?trang=2").get_data(as_text=True)
    assert "Trang 2 / 2" in second
    found = client.get("/ban-tin?q=b%C3%A3o").get_data(as_text=True)
    assert "Cảnh báo bão số 3" in found and "Bản tin số 01" not in found
    urgent = client.get("/ban-tin?uu_tien=emergency").get_data(as_text=True)
    assert "Cảnh báo bão số 3" in urgent and "1 mục" in urgent
    drafts = client.get("/ban-tin?trang_thai=draft").get_data(as_text=True)
    assert "Bản nháp chưa xong" in drafts and "1 mục" in drafts
    other_topic = client.get(f"/ban-tin?chu_de={topic_id(world, 'cchc')}").get_data(as_text=True)
    assert "0 mục" in other_topic
    assert client.get("/ban-tin?trang=abc&uu_tien=xyz&ngay=khong").status_code == 200


def test_validity_date_filter(as_role, client, world):
    from datetime import date
    world.bulletin(title="Tháng ba", valid_from=date(2024, 3, 1), valid_until=date(2024, 3, 31))
    world.bulletin(title="Tháng tư", valid_from=date(2024, 4, 1), valid_until=date(2024, 4, 30))
    as_role("editor")
    page = client.get("/ban-tin?ngay=2024-03-15").get_data(as_text=True)
    assert "Tháng ba" in page and "Tháng tư" not in page


def test_bulletin_title_is_escaped_everywhere(as_role, post, client, world):
    as_role("editor")
    evil = "<script>alert(1)</script>"
    response = post("/ban-tin/moi", form(world, title=evil, body=f"Xin chào {evil} <b>bà con</b>"))
    location = response.headers["Location"]
    for url in (location, "/ban-tin", "/ban-tin?q=script"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page, url
        assert "<b>bà con</b>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url
    assert "Content-Security-Policy" in client.get(location).headers


def test_preview_renders_a_clip_and_plays_it_by_id(as_role, post, client, world):
    bulletin = world.bulletin(body="Họp lúc 8 giờ.")
    as_role("editor")
    response = post(f"/ban-tin/{bulletin}/doc-thu", {"engine": "espeak", "voice": "vi-vn-x-south",
                                                     "speed": "1.25"}, follow=True)
    page = response.get_data(as_text=True)
    assert "Đã tạo âm thanh" in page
    with world.session() as session:
        clip = session.scalar(select(Clip).where(Clip.bulletin_id == bulletin))
        assert clip.engine == "espeak" and clip.voice == "vi-vn-x-south"
    assert f'src="/am-thanh/clip/{clip.id}"' in page
    audio = client.get(f"/am-thanh/clip/{clip.id}")
    assert audio.status_code == 200 and audio.mimetype == "audio/mpeg"
    stored = world.ctx.home.path(clip.path)
    assert audio.data == stored.read_bytes()  # the clip itself, byte for byte
    heard = probe(stored)
    assert heard.audio_codec == "mp3" and abs(heard.duration_s * 1000 - clip.duration_ms) < 150
    ranged = client.get(f"/am-thanh/clip/{clip.id}", headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 206 and len(ranged.data) == 100


def test_the_page_shows_the_reading_the_preview_speaks(as_role, post, client, world):
    """One reading policy: a preview in the southern voice on a northern station still reads
    the station's way, as the page shows it (it used to say "lẻ" where the page said "linh")."""
    bulletin = world.bulletin(body="Xã có 105 hộ nghèo.")
    as_role("editor")
    page = client.get(f"/ban-tin/{bulletin}").get_data(as_text=True)
    assert "một trăm linh năm" in page and "lẻ" not in page
    post(f"/ban-tin/{bulletin}/doc-thu", {"engine": "espeak", "voice": "vi-vn-x-south",
                                          "speed": "1.0"})
    with world.session() as session:
        clip = session.scalar(select(Clip).where(Clip.bulletin_id == bulletin))
        assert clip.voice == "vi-vn-x-south"
        assert clip.spoken_text == world.ctx.reading(session).spoken(
            "Thông báo tiêm phòng.\n\nXã có 105 hộ nghèo.")
    assert "một trăm linh năm hộ nghèo" in clip.spoken_text


def test_a_preview_in_another_speed_is_not_the_clip_that_airs(as_role, post, world, invoke):
    """A clip is found by its cache key: a preview at speed 1,25 does not count as the
    bulletin's clip, so `render` still makes the one the station's voice reads."""
    bulletin = world.bulletin(body="Họp lúc 8 giờ.", valid_from=world.today())
    as_role("editor")
    post(f"/ban-tin/{bulletin}/doc-thu", {"engine": "espeak", "voice": "vi", "speed": "1.25"})
    result = invoke("render", "--date", world.today().isoformat())
    assert result.exit_code == 0, result.output
    assert "Đã tạo 1 bản tin và" in result.output
    with world.session() as session:
        speeds = sorted(c.options["speed"] for c in session.scalars(
            select(Clip).where(Clip.bulletin_id == bulletin)))
    assert speeds == [1.0, 1.25]
    assert "Không còn âm thanh nào cần tạo." in invoke("render", "--date",
                                                      world.today().isoformat()).output


def test_preview_refuses_a_voice_of_another_engine(as_role, post, world):
    bulletin = world.bulletin()
    as_role("editor")
    response = post(f"/ban-tin/{bulletin}/doc-thu", {"engine": "espeak", "voice": "khong-co",
                                                     "speed": "1.0"}, follow=True)
    assert "Lựa chọn đọc thử không hợp lệ." in response.get_data(as_text=True)


def test_deleting_a_bulletin_of_an_approved_plan_warns_and_is_audited(as_role, post, world):
    from tests.web.rows import add_plan
    bulletin = world.bulletin()
    plan = add_plan(world, "chieu", PlanStatus.APPROVED)
    with world.session() as session:
        session.add(PlanItem(plan_id=plan, position=0, bulletin_id=bulletin, title="Thông báo tiêm phòng"))
    as_role("editor")
    page = html.unescape(post(f"/ban-tin/{bulletin}/xoa", follow=True).get_data(as_text=True))
    assert "Bản tin này đang có trong kế hoạch đã duyệt" in page
    assert "vẫn phát bản tin cho đến khi lập lại kế hoạch và duyệt lại" in page
    with world.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "bulletin.delete_approved"))
        assert "buổi chiều v1" in event.comment
