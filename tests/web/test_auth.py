import re


def test_every_page_but_sign_in_requires_a_user(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/dang-nhap")
    assert client.get("/dang-nhap").status_code == 200


def test_sign_in_shows_today_in_vietnamese(login, client):
    response = login("admin", follow=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Đài truyền thanh xã Lệ Xá" in page and "Buổi sáng" in page and "Buổi chiều" in page
    assert '<html lang="vi">' in page


def test_session_cookie_is_httponly_and_samesite(login):
    response = login("lan")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_wrong_password_is_refused_and_throttled(login):
    for _ in range(5):
        assert login("lan", "sai-mat-khau").status_code == 401
    blocked = login("lan")  # even the right password waits out the lock
    assert blocked.status_code == 429
    assert "quá nhiều lần" in blocked.get_data(as_text=True)


def test_post_without_csrf_token_is_rejected(client):
    response = client.post("/dang-nhap", data={"username": "admin", "password": "quan-tri-123"})
    assert response.status_code == 400
    assert "biểu mẫu không hợp lệ" in response.get_data(as_text=True)


def test_sign_out_needs_a_post_with_token(login, client):
    login("admin")
    assert client.get("/dang-xuat").status_code == 405
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/dang-xuat", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_next_parameter_never_leaves_the_site(client, login):
    page = client.get("/dang-nhap").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/dang-nhap?next=//evil.example/x",
                           data={"csrf_token": token, "username": "admin", "password": "quan-tri-123"})
    assert response.headers["Location"] == "/"


def test_unknown_page_is_a_vietnamese_404(login, client):
    login("admin")
    response = client.get("/khong-co")
    assert response.status_code == 404 and "Không tìm thấy" in response.get_data(as_text=True)
