import html
import re

from sqlalchemy import select

from broadcaster.db.models import AuditEvent, User


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
