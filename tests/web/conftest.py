import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from broadcaster.db.models import Bulletin, Role, Topic, User
from broadcaster.station.context import StationContext
from broadcaster.station.users import add_user, set_password
from web import create_app

PASSWORDS = {"admin": "quan-tri-123", "lan": "bien-tap-123", "hung": "nguoi-duyet-123",
             "tuan": "ky-thuat-123", "mai": "bao-cao-123"}
ROLES = {"lan": [Role.EDITOR], "hung": [Role.APPROVER], "tuan": [Role.OPERATOR],
         "mai": [Role.REPORTER]}
BY_ROLE = {"editor": "lan", "approver": "hung", "operator": "tuan", "reporter": "mai",
           "admin": "admin"}
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_app(station_ctx, **config):
    return create_app(StationContext(str(station_ctx.settings.home)), {"TESTING": True, **config})


@pytest.fixture
def app(station_ctx):
    with station_ctx.session() as session:
        station = station_ctx.station(session)
        for name, roles in ROLES.items():
            add_user(session, station, name, PASSWORDS[name], roles)
        admin = session.scalar(select(User).where(User.username == "admin"))
        set_password(admin, PASSWORDS["admin"])
    return make_app(station_ctx)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(client):
    def sign_in(username: str, password: str | None = None, follow: bool = False):
        page = client.get("/dang-nhap").get_data(as_text=True)
        token = TOKEN.search(page).group(1)
        return client.post("/dang-nhap", data={"csrf_token": token, "username": username,
                                               "password": password or PASSWORDS[username]},
                           follow_redirects=follow)
    return sign_in


@pytest.fixture
def token(client):
    """The session's CSRF token (read from a page the signed-in user can open)."""
    def read(url: str = "/") -> str:
        return TOKEN.search(client.get(url).get_data(as_text=True)).group(1)
    return read


@pytest.fixture
def post(client, token):
    """POST a form with the session's CSRF token; returns the response."""
    def send(url: str, data: dict | None = None, follow: bool = False, **kwargs):
        return client.post(url, data={"csrf_token": token(), **(data or {})},
                           follow_redirects=follow, **kwargs)
    return send


@pytest.fixture
def as_role(login):
    """Sign the test client in as the user holding a role (editor, approver, operator…)."""
    def sign_in(role: str):
        response = login(BY_ROLE[role])
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return BY_ROLE[role]
    return sign_in


@pytest.fixture
def world(station_ctx, app):
    """Direct database access for arranging and checking what the pages did."""
    class World:
        ctx = station_ctx

        def session(self):
            return station_ctx.session()

        def station_id(self) -> int:
            with station_ctx.session() as session:
                return station_ctx.station(session).id

        def today(self):
            with station_ctx.session() as session:
                zone = ZoneInfo(station_ctx.station(session).timezone)
            return datetime.now(timezone.utc).astimezone(zone).date()

        def bulletin(self, title="Thông báo tiêm phòng", body="UBND xã thông báo lịch tiêm.",
                     **fields) -> int:
            with station_ctx.session() as session:
                station = station_ctx.station(session)
                topic = session.scalar(select(Topic).where(Topic.station_id == station.id,
                                                           Topic.code == "y-te"))
                bulletin = Bulletin(station_id=station.id, title=title, body=body,
                                    topic_id=topic.id, **fields)
                session.add(bulletin)
                session.flush()
                return bulletin.id
    return World()
