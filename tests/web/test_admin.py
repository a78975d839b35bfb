import html
import re
from datetime import time

from sqlalchemy import select

from broadcaster.db.models import AuditEvent, SlotTemplate, User


def user(world, name):
    with world.session() as session:
        row = session.scalar(select(User).where(User.username == name))
        return row.id, row.active, sorted(r.role.value for r in row.roles)


def shown_password(page: str) -> str:
    return re.search(r'<code class="secret">([^<]+)</code>', page).group(1)


def test_admin_adds_a_user_whose_password_is_shown_once(as_role, post, login, client, world):
    as_role("admin")
    assert "lan" in client.get("/quan-tri/nguoi-dung").get_data(as_text=True)
    response = post("/quan-tri/nguoi-dung/them", {"username": "Thu.Ha", "full_name": "Nguyễn Thu Hà",
                                                  "roles": ["editor", "reporter"], "password": ""})
    page = html.unescape(response.get_data(as_text=True))
    assert "Đã tạo người dùng" in page and "thu.ha" in page
    assert response.headers["Cache-Control"] == "no-store"
    password = shown_password(page)
    assert password not in client.get("/quan-tri/nguoi-dung").get_data(as_text=True)
    assert user(world, "thu.ha")[2] == ["editor", "reporter"]
    assert login("thu.ha", password).status_code == 302
    with world.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.add"))
        assert event.after["roles"] == ["editor", "reporter"] and "password" not in str(event.after)
        stored = session.scalar(select(User.password_hash).where(User.username == "thu.ha"))
        assert password not in stored and stored.startswith(("scrypt:", "pbkdf2:"))


def test_bad_new_users_are_refused_in_vietnamese(as_role, post, world):
    as_role("admin")
    short = html.unescape(post("/quan-tri/nguoi-dung/them", {"username": "abc", "roles": ["editor"],
                                                             "password": "123"}).get_data(as_text=True))
    assert "Mật khẩu cần ít nhất 8 ký tự." in short
    no_role = html.unescape(post("/quan-tri/nguoi-dung/them", {"username": "abc", "password": ""})
                            .get_data(as_text=True))
    assert "Hãy chọn ít nhất một vai trò." in no_role
    dup = html.unescape(post("/quan-tri/nguoi-dung/them", {"username": "lan", "roles": ["editor"],
                                                           "password": "mat-khau-dai"}, follow=True)
                        .get_data(as_text=True))
    assert "Người dùng 'lan' đã tồn tại." in dup
    bad = html.unescape(post("/quan-tri/nguoi-dung/them", {"username": "Lê Văn", "roles": ["editor"],
                                                           "password": "mat-khau-dai"}, follow=True)
                        .get_data(as_text=True))
    assert "không hợp lệ" in bad


def test_change_roles_and_deactivate(as_role, post, login, client, world):
    lan_id = user(world, "lan")[0]
    as_role("admin")
    assert client.get(f"/quan-tri/nguoi-dung/{lan_id}").status_code == 200
    post(f"/quan-tri/nguoi-dung/{lan_id}", {"full_name": "Trần Thị Lan", "roles": ["editor", "approver"],
                                            "active": "y"})
    assert user(world, "lan") == (lan_id, True, ["approver", "editor"])
    post(f"/quan-tri/nguoi-dung/{lan_id}", {"full_name": "Trần Thị Lan", "roles": ["approver"]})
    assert user(world, "lan") == (lan_id, False, ["approver"])
    assert login("lan").status_code == 401
    with world.session() as session:
        actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "user")
                                       .order_by(AuditEvent.id)))
    assert actions == ["user.edit", "user.deactivate"]


def test_admins_cannot_lock_themselves_out(as_role, post, world):
    admin_id = user(world, "admin")[0]
    as_role("admin")
    page = html.unescape(post(f"/quan-tri/nguoi-dung/{admin_id}", {"roles": ["editor"], "active": "y"})
                         .get_data(as_text=True))
    assert "Không thể tự khóa tài khoản của mình hoặc tự bỏ vai trò quản trị." in page
    assert user(world, "admin")[1:] == (True, ["admin"])


def test_reset_password(as_role, post, login, world):
    hung_id = user(world, "hung")[0]
    as_role("admin")
    page = html.unescape(post(f"/quan-tri/nguoi-dung/{hung_id}/mat-khau").get_data(as_text=True))
    assert "Đã đặt lại mật khẩu" in page
    password = shown_password(page)
    assert login("hung").status_code == 401
    assert login("hung", password).status_code == 302
    with world.session() as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password_reset"))


def _schedule_form(client) -> dict:
    """The schedule page's fields as the browser would post them unchanged."""
    page = client.get("/quan-tri/lich-phat").get_data(as_text=True)
    data: dict = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name is None or name.group(1) == "csrf_token":
            continue
        if 'type="checkbox"' in tag:
            if " checked" in tag:
                data.setdefault(name.group(1), []).append(value.group(1))
        else:
            data[name.group(1)] = value.group(1) if value else ""
    return data


def test_admin_changes_slot_times_adds_and_stops_slots(as_role, post, client, world):
    as_role("admin")
    page = client.get("/quan-tri/lich-phat").get_data(as_text=True)
    assert "Lịch phát" in page and "Buổi sáng" in page and "Thêm buổi mới" in page
    form = _schedule_form(client)
    assert form["name-0"] == "sang" and form["start-0"] == "06:00" and form["active-0"] == ["1"]
    form.update({"start-0": "05:30", "length-0": "25",
                 "name-2": "trua", "title-2": "Buổi trưa", "start-2": "11:00", "length-2": "15",
                 "grace-2": "5", "days-2": ["mon", "wed", "fri"], "active-2": ["1"]})
    page = html.unescape(post("/quan-tri/lich-phat", form, follow=True).get_data(as_text=True))
    assert "Đã lưu lịch phát" in page and "hãy lập lại kế hoạch" in page
    with world.session() as session:
        slots = {s.name: s for s in session.scalars(select(SlotTemplate))}
        assert slots["sang"].start_time == time(5, 30) and slots["sang"].length_seconds == 25 * 60
        assert (slots["trua"].title, slots["trua"].weekdays, slots["trua"].grace_seconds) == \
            ("Buổi trưa", ["mon", "wed", "fri"], 300)
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "schedule.change"))
        assert event.actor == "admin" and len(event.after["slots"]) == 3

    form = _schedule_form(client)
    index = next(k.split("-")[1] for k, v in form.items() if k.startswith("name-") and v == "trua")
    del form[f"active-{index}"]  # stop the noon slot
    page = html.unescape(post("/quan-tri/lich-phat", form, follow=True).get_data(as_text=True))
    assert "Đã lưu lịch phát" in page
    with world.session() as session:
        assert not session.scalar(select(SlotTemplate).where(SlotTemplate.name == "trua")).active
    unchanged = html.unescape(post("/quan-tri/lich-phat", _schedule_form(client), follow=True)
                              .get_data(as_text=True))
    assert "Lịch phát không thay đổi." in unchanged


def test_a_bad_schedule_is_refused_with_the_reason_and_nothing_changes(as_role, post, client, world):
    as_role("admin")
    form = _schedule_form(client)
    form.update({"start-1": "06:10"})  # the evening slot now overlaps the morning one
    response = post("/quan-tri/lich-phat", form)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "Chưa lưu. Lịch phát, «Buổi chiều»: buổi 'chieu' chồng lên buổi 'sang'." in page
    assert 'value="06:10"' in page  # what the admin typed is kept
    new = {"title-2": "Buổi trưa", "name-2": "trua", "start-2": "11:00", "length-2": "10",
           "grace-2": "5", "days-2": ["mon"], "active-2": ["1"]}
    for bad, reason in (({"length-0": "nửa giờ"}, "«Buổi sáng»: thời lượng phải là số phút nguyên từ 1 đến 1440"),
                        ({"length-0": "0"}, "thời lượng phải là số phút nguyên từ 1 đến 1440"),
                        ({"grace-0": "45"}, "«Buổi sáng»: thời gian cho phép trễ phải là số phút từ 0 "
                                            "đến thời lượng của buổi (30 phút)"),
                        ({"start-0": "25:00"}, "«Buổi sáng»: giờ bắt đầu «25:00» không hợp lệ"),
                        ({"days-0": []}, "«Buổi sáng»: hãy chọn ít nhất một ngày phát"),
                        ({**new, "name-2": "Buổi Trưa"}, "«Buổi trưa»: mã buổi «Buổi Trưa» chỉ được gồm"),
                        ({**new, "title-2": ""}, "hãy nhập tên buổi"),
                        ({**new, "name-2": "sang"}, "mã buổi 'sang' bị trùng"),
                        ({"active-0": [], "active-1": []}, "cần ít nhất một buổi đang dùng")):
        attempt = {**_schedule_form(client), **bad}
        page = html.unescape(post("/quan-tri/lich-phat", attempt).get_data(as_text=True))
        assert reason in page, reason
    with world.session() as session:
        slots = {s.name: s for s in session.scalars(select(SlotTemplate))}
        assert set(slots) == {"sang", "chieu"} and slots["sang"].start_time == time(6, 0)
        assert all(s.active for s in slots.values())
    as_role("editor")
    assert client.get("/quan-tri/lich-phat").status_code == 403


def test_seconds_and_part_minutes_survive_an_unchanged_save(as_role, post, client, world):
    with world.session() as session:  # as a schedule file may set them
        slot = session.scalar(select(SlotTemplate).where(SlotTemplate.name == "sang"))
        slot.start_time, slot.grace_seconds = time(6, 0, 30), 90
    as_role("admin")
    form = _schedule_form(client)
    assert form["start-0"] == "06:00:30" and form["grace-0"] == "1,5"
    page = html.unescape(post("/quan-tri/lich-phat", form, follow=True).get_data(as_text=True))
    assert "Lịch phát không thay đổi." in page


def test_a_page_opened_before_another_change_cannot_overwrite_it(as_role, post, client, world):
    as_role("admin")
    stale = _schedule_form(client)
    with world.session() as session:  # another admin stops the evening slot meanwhile
        session.scalar(select(SlotTemplate).where(SlotTemplate.name == "chieu")).active = False
    page = html.unescape(post("/quan-tri/lich-phat", {**stale, "start-0": "05:45"}, follow=True)
                         .get_data(as_text=True))
    assert "Lịch phát vừa được thay đổi ở nơi khác" in page
    with world.session() as session:
        slots = {s.name: s for s in session.scalars(select(SlotTemplate))}
        assert slots["sang"].start_time == time(6, 0) and not slots["chieu"].active
