"""The role matrix, enforced on the server for every route of the app (generated from url_map).

A new route without an entry in MATRIX fails `test_every_route_has_a_matrix_entry`.
"""

import re

import pytest
from sqlalchemy import select

from broadcaster.db.models import LexiconEntry, User
from tests.web.conftest import BY_ROLE, PASSWORDS, TOKEN, make_app

EVERYONE = {"editor", "approver", "operator", "reporter", "admin"}
PUBLIC = "public"
E, A, O, R = {"editor", "admin"}, {"approver", "admin"}, {"operator", "admin"}, {"reporter", "admin"}
ADMIN = {"admin"}

# (method, endpoint) -> who may use it. Reading is for every signed-in user; acting is by role.
MATRIX = {
    ("GET", "auth.login"): PUBLIC, ("POST", "auth.login"): PUBLIC,
    ("GET", "static"): PUBLIC,
    ("POST", "auth.logout"): EVERYONE,
    ("GET", "today.index"): EVERYONE,
    ("GET", "bulletins.index"): EVERYONE,
    ("GET", "bulletins.show"): EVERYONE,
    ("GET", "bulletins.create"): E, ("POST", "bulletins.create"): E,
    ("GET", "bulletins.edit"): E, ("POST", "bulletins.edit"): E,
    ("POST", "bulletins.delete"): E,
    ("POST", "bulletins.restore"): E,
    ("POST", "bulletins.preview"): E,
    ("POST", "uploads.recording"): E,
    ("GET", "uploads.import_scripts"): E, ("POST", "uploads.import_scripts"): E,
    ("GET", "lexicon.index"): EVERYONE,
    ("POST", "lexicon.add"): E,
    ("GET", "lexicon.edit"): E, ("POST", "lexicon.edit"): E,
    ("POST", "lexicon.delete"): E,
    ("GET", "playlist.day"): EVERYONE,
    ("POST", "playlist.make"): E,
    ("POST", "playlist.change"): E,
    ("POST", "playlist.approve_plan"): A,
    ("POST", "playlist.approve_day"): A,
    ("POST", "playlist.reject_plan"): A,
    ("GET", "playout.status"): EVERYONE,
    ("POST", "playout.play_now"): O,
    ("POST", "playout.replay"): O,
    ("GET", "playout.emergency"): O, ("POST", "playout.emergency"): O,
    ("POST", "playout.emergency_confirm"): O,
    ("GET", "log.index"): EVERYONE,
    ("GET", "media.clip"): EVERYONE,
    ("GET", "media.programme"): EVERYONE,
    ("GET", "media.aircheck"): EVERYONE,
    ("GET", "reports.index"): R,
    ("GET", "reports.download"): R,
    ("GET", "admin.users"): ADMIN,
    ("POST", "admin.add"): ADMIN,
    ("GET", "admin.edit"): ADMIN, ("POST", "admin.edit"): ADMIN,
    ("POST", "admin.reset_password"): ADMIN,
    ("GET", "schedule.index"): ADMIN, ("POST", "schedule.save"): ADMIN,
    ("GET", "alerts.index"): ADMIN, ("POST", "alerts.add"): ADMIN,
    ("POST", "alerts.remove"): ADMIN, ("POST", "alerts.test"): ADMIN,
    ("GET", "health.index"): PUBLIC,
}
VALUES = {"move": "len", "filename": "style.css"}


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule


def url_for_rule(rule, ids) -> str:
    values = {}
    for name in rule.arguments:
        values[name] = VALUES.get(name, ids.get(name, 999999))
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(values[m.group(1)]), rule.rule)


@pytest.fixture
def matrix_app(app, station_ctx, world):
    """The same station with CSRF off, so a refused role sees 403 and not a missing token."""
    world.bulletin()
    with station_ctx.session() as session:
        station = station_ctx.station(session)
        session.add(LexiconEntry(station_id=station.id, term="HTX", reading="hợp tác xã"))
    return make_app(station_ctx, WTF_CSRF_ENABLED=False)


def _ids(station_ctx):
    with station_ctx.session() as session:
        return {"bulletin_id": 1,
                "entry_id": session.scalar(select(LexiconEntry.id)),
                "user_id": session.scalar(select(User.id).where(User.username == "lan"))}


def test_every_route_has_a_matrix_entry(app):
    found = {(method, rule.endpoint) for method, rule in routes(app)}
    assert found - set(MATRIX) == set(), "add these routes to the role matrix"
    assert set(MATRIX) - found == set(), "these matrix entries name no route"


def test_the_role_matrix_holds_for_every_route(matrix_app, station_ctx):
    ids = _ids(station_ctx)
    checked = 0
    for who in ["anonymous", *sorted(EVERYONE)]:
        client = matrix_app.test_client()
        if who != "anonymous":
            name = BY_ROLE[who]
            assert client.post("/dang-nhap", data={"username": name, "password": PASSWORDS[name]}
                               ).status_code == 302
        for method, rule in routes(matrix_app):
            allowed = MATRIX[(method, rule.endpoint)]
            if rule.endpoint == "auth.logout":
                continue  # checked below: it would end the session of this loop
            # GET pages open real rows; actions aim at rows that do not exist (no side effects).
            url = url_for_rule(rule, ids if method == "GET" else {})
            response = client.open(url, method=method, data={})
            status = response.status_code
            where = f"{who} {method} {url} -> {status}"
            # /suc-khoe answers 503 while the station is down (no playout daemon here): by design
            assert status < 500 or (rule.endpoint == "health.index" and status == 503), where
            if allowed == PUBLIC:
                assert status != 403, where
            elif who == "anonymous":
                assert status == 302 and "/dang-nhap" in response.headers["Location"], where
            elif who in allowed:
                assert status != 403, where
                assert not (status == 302 and "/dang-nhap" in response.headers.get("Location", "")), where
            else:
                assert status == 403, where
            checked += 1
    assert checked > 150


def test_sign_out_needs_a_signed_in_user(matrix_app):
    client = matrix_app.test_client()
    assert client.post("/dang-xuat").status_code == 302
    assert "/dang-nhap" in client.post("/dang-xuat").headers["Location"]


def test_navigation_shows_only_what_the_role_may_use(client, login):
    login("mai")
    page = client.get("/").get_data(as_text=True)
    assert "Báo cáo" in page and "Người dùng" not in page
    login("lan")
    page = client.get("/").get_data(as_text=True)
    assert "Báo cáo" not in page


def test_a_deactivated_user_is_signed_out_at_once(client, login, station_ctx):
    login("lan")
    assert client.get("/ban-tin").status_code == 200
    with station_ctx.session() as session:
        session.scalar(select(User).where(User.username == "lan")).active = False
    assert client.get("/ban-tin").status_code == 302


def test_csrf_token_is_required_on_every_form(client, login, world):
    login("admin")
    bulletin = world.bulletin()
    for url in ["/ban-tin/moi", f"/ban-tin/{bulletin}/xoa", "/tu-dien/them", "/ke-hoach/lap",
                "/phat/khan-cap", "/phat/phat-ngay", "/quan-tri/nguoi-dung/them",
                f"/ban-tin/{bulletin}/ghi-am", "/dang-xuat"]:
        response = client.post(url, data={"title": "x", "body": "y"})
        assert response.status_code == 400, url
        assert "biểu mẫu không hợp lệ" in response.get_data(as_text=True)
    assert client.get(f"/ban-tin/{bulletin}").status_code == 200  # nothing was deleted
    page = client.get("/").get_data(as_text=True)
    assert TOKEN.search(page)  # the sign-out form carries the token
