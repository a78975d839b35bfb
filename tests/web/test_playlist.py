"""The day playlist with real rendering (espeak-ng, ffmpeg): plan, reorder, remove, approve, reject."""

import html
import re
from datetime import timedelta

from sqlalchemy import select

from broadcaster.db.models import AuditEvent, DayPlan, PlanStatus, SlotTemplate

ON_POSTGRES = True  # these tests run on SQLite and on PostgreSQL (tests/conftest.py)


def plans(world, day, slot="sang"):
    with world.session() as session:
        slot_id = session.scalar(select(SlotTemplate.id).where(SlotTemplate.name == slot))
        rows = session.scalars(select(DayPlan).where(DayPlan.air_date == day, DayPlan.slot_id == slot_id)
                               .order_by(DayPlan.version)).all()
        return [(p.id, p.version, p.status, [i.title for i in p.items], p.programme_path) for p in rows]


def plan_tomorrow(world, post, login, *titles):
    for title in titles:
        world.bulletin(title=title, body=f"{title}. Đề nghị bà con chú ý.", slots=["sang"])
    day = world.today() + timedelta(days=1)
    login("lan")
    response = post("/ke-hoach/lap", {"day": day.isoformat()}, follow=True)
    return day, html.unescape(response.get_data(as_text=True))


def test_plan_listen_and_approve(world, post, login, client):
    day, page = plan_tomorrow(world, post, login, "Thông báo tiêm phòng")
    assert f"Đã lập kế hoạch ngày {day:%d/%m/%Y}" in page
    assert "Buổi sáng" in page and "Thông báo tiêm phòng" in page and "chờ duyệt" in page
    assert "Chưa có phiên bản được duyệt: đến giờ buổi này sẽ không phát." in page
    (plan_id, version, status, titles, programme), = plans(world, day)
    assert status is PlanStatus.DRAFT and titles == ["Thông báo tiêm phòng"] and programme
    assert f"/am-thanh/chuong-trinh/{plan_id}" in page
    audio = client.get(f"/am-thanh/chuong-trinh/{plan_id}")
    assert audio.status_code == 200 and audio.mimetype == "audio/mpeg" and len(audio.data) > 10_000
    assert re.search(r"Tổng thời lượng <strong>\d+:\d\d</strong> / 30:00", page)
    assert "Duyệt phiên bản" not in page  # an editor does not approve

    login("hung")
    page = html.unescape(post(f"/ke-hoach/{plan_id}/duyet", follow=True).get_data(as_text=True))
    assert f"Đã duyệt buổi sáng ngày {day:%d/%m/%Y}, phiên bản 1" in page
    assert re.search(r"Đã duyệt\s+bởi <strong>hung</strong> lúc \d\d:\d\d", page)
    assert plans(world, day)[0][2] is PlanStatus.APPROVED
    again = html.unescape(post(f"/ke-hoach/{plan_id}/duyet", follow=True).get_data(as_text=True))
    assert "Không duyệt được: phiên bản 1 đang ở trạng thái đã duyệt" in again
    with world.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.approve"))
        assert event.actor == "hung" and event.object_id == plan_id


def test_reorder_and_remove_make_new_versions_that_need_approval(world, post, login, client):
    day, _ = plan_tomorrow(world, post, login, "Bản tin một", "Bản tin hai")
    (first_id, _, _, titles, _), = plans(world, day)
    assert titles == ["Bản tin một", "Bản tin hai"]
    login("hung")
    post(f"/ke-hoach/{first_id}/duyet")
    login("lan")
    page = html.unescape(post(f"/ke-hoach/{first_id}/muc/1/len", follow=True).get_data(as_text=True))
    assert "Đã tạo phiên bản 2 (chuyển «Bản tin hai» lên)" in page
    assert "Phiên bản mới nhất chưa được duyệt: đến giờ buổi này sẽ không phát" in page
    assert "Các phiên bản trước (1)" in page
    versions = plans(world, day)
    assert [v[1:4] for v in versions] == [
        (1, PlanStatus.APPROVED, ["Bản tin một", "Bản tin hai"]),
        (2, PlanStatus.DRAFT, ["Bản tin hai", "Bản tin một"])]
    assert versions[1][4] and versions[1][4] != versions[0][4]  # its own programme file
    stale = html.unescape(post(f"/ke-hoach/{first_id}/muc/0/bo", follow=True).get_data(as_text=True))
    assert "Phiên bản 1 đã cũ: phiên bản mới nhất là 2" in stale
    post(f"/ke-hoach/{versions[1][0]}/muc/1/bo")
    latest = plans(world, day)[-1]
    assert latest[1:4] == (3, PlanStatus.DRAFT, ["Bản tin hai"])
    with world.session() as session:
        actions = list(session.scalars(select(AuditEvent.action).where(
            AuditEvent.object_type == "day_plan").order_by(AuditEvent.id)))
    assert actions == ["plan.approve", "plan.change_approved", "plan.reorder", "plan.remove_item"]


def test_reject_needs_a_comment_that_the_editor_then_sees(world, post, login, client):
    day, _ = plan_tomorrow(world, post, login, "Thông báo họp dân")
    (plan_id, *_), = plans(world, day)
    login("hung")
    empty = html.unescape(post(f"/ke-hoach/{plan_id}/tu-choi", {"comment": " "}, follow=True)
                          .get_data(as_text=True))
    assert "Hãy ghi lý do từ chối" in empty
    assert plans(world, day)[0][2] is PlanStatus.DRAFT
    post(f"/ke-hoach/{plan_id}/tu-choi", {"comment": "Sai giờ họp, sửa lại 8 giờ."})
    assert plans(world, day)[0][2] is PlanStatus.REJECTED
    login("lan")
    page = html.unescape(client.get(f"/ke-hoach?ngay={day.isoformat()}").get_data(as_text=True))
    assert "Bị từ chối" in page and "«Sai giờ họp, sửa lại 8 giờ.»" in page
    with world.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.reject"))
        assert event.comment == "Sai giờ họp, sửa lại 8 giờ."


def test_past_days_are_read_only(world, post, login, client):
    login("lan")
    yesterday = world.today() - timedelta(days=1)
    page = html.unescape(post("/ke-hoach/lap", {"day": yesterday.isoformat()}, follow=True)
                         .get_data(as_text=True))
    assert "Không lập kế hoạch cho ngày đã qua." in page
    assert "Lập kế hoạch ngày" not in page
    bad = client.get("/ke-hoach?ngay=2024-02-30")
    assert bad.status_code == 200 and "(hôm nay)" in bad.get_data(as_text=True)


def test_a_missing_or_expired_programme_file_is_said_not_offered(world, post, login, client):
    day, _ = plan_tomorrow(world, post, login, "Thông báo lịch tiêm")
    (plan_id, _, _, _, programme), = plans(world, day)
    (world.ctx.settings.home / programme).unlink()
    page = html.unescape(client.get(f"/ke-hoach?ngay={day.isoformat()}").get_data(as_text=True))
    assert "Thiếu tệp âm thanh của buổi này" in page  # still to air: to be rendered again
    assert f"/am-thanh/chuong-trinh/{plan_id}" not in page
    assert client.get(f"/am-thanh/chuong-trinh/{plan_id}").status_code == 404
    past = world.today() - timedelta(days=40)
    with world.session() as session:  # the same plan long aired, as `broadcaster prune` finds it
        session.get(DayPlan, plan_id).air_date = past
    page = html.unescape(client.get(f"/ke-hoach?ngay={past.isoformat()}").get_data(as_text=True))
    assert "Tệp âm thanh của buổi này đã được xóa theo thời hạn lưu trữ" in page
    assert "Thiếu tệp âm thanh" not in page


def test_approve_the_whole_day_in_one_step_all_or_nothing(world, post, login, client):
    for title, slot in (("Lịch tiêm phòng", "sang"), ("Lịch thu thuế", "chieu")):
        world.bulletin(title=title, body=f"{title}. Đề nghị bà con chú ý.", slots=[slot])
    day = world.today() + timedelta(days=1)
    login("lan")
    page = html.unescape(post("/ke-hoach/lap", {"day": day.isoformat()}, follow=True).get_data(as_text=True))
    assert "Duyệt cả ngày" not in page  # an editor does not approve
    (morning, *_), = plans(world, day, "sang")
    (evening, *_), = plans(world, day, "chieu")

    login("hung")
    page = html.unescape(client.get(f"/ke-hoach?ngay={day.isoformat()}").get_data(as_text=True))
    assert "Duyệt cả ngày (2 buổi)" in page
    assert "buổi sáng phiên bản 1, buổi chiều phiên bản 1" in page
    # the evening (the last one) changes after the page was shown: the morning, approved first in
    # the same request, is rolled back too, and the approver is told
    with world.session() as session:
        session.get(DayPlan, evening).status = PlanStatus.REJECTED
    page = html.unescape(post("/ke-hoach/duyet-ca-ngay", {"plan": [morning, evening]},
                              follow=True).get_data(as_text=True))
    assert "Không duyệt được cả ngày, chưa duyệt buổi nào: buổi chiều:" in page
    assert plans(world, day, "sang")[0][2] is PlanStatus.DRAFT
    with world.session() as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.approve")) is None
        session.get(DayPlan, evening).status = PlanStatus.DRAFT

    page = html.unescape(post("/ke-hoach/duyet-ca-ngay", {"plan": [morning, evening]},
                              follow=True).get_data(as_text=True))
    assert f"Đã duyệt 2 buổi ngày {day:%d/%m/%Y}: buổi sáng phiên bản 1, buổi chiều phiên bản 1." in page
    assert plans(world, day, "sang")[0][2] is PlanStatus.APPROVED
    assert plans(world, day, "chieu")[0][2] is PlanStatus.APPROVED
    assert "Duyệt cả ngày" not in page
    with world.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "plan.approve")).all()
        assert sorted(e.object_id for e in events) == sorted([morning, evening])
    login("lan")
    assert post("/ke-hoach/duyet-ca-ngay", {"plan": [morning]}).status_code == 403
