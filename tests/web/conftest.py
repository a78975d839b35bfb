import re

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from broadcaster.db.models import Role, User
from broadcaster.settings import load_settings
from broadcaster.station.users import add_user
from web import create_app

PASSWORDS = {"admin": "quan-tri-123", "lan": "bien-tap-123", "hung": "nguoi-duyet-123"}
ROLES = {"lan": [Role.EDITOR], "hung": [Role.APPROVER]}


@pytest.fixture
def app(station_ctx):
    with station_ctx.session() as session:
        station = station_ctx.station(session)
        for name, roles in ROLES.items():
            add_user(session, station, name, PASSWORDS[name], roles)
        admin = session.scalar(select(User).where(User.username == "admin"))
        admin.password_hash = generate_password_hash(PASSWORDS["admin"])
    return create_app(load_settings(station_ctx.settings.home), {"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(client):
    def sign_in(username: str, password: str | None = None, follow: bool = False):
        page = client.get("/dang-nhap").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        return client.post("/dang-nhap", data={"csrf_token": token, "username": username,
                                               "password": password or PASSWORDS[username]},
                           follow_redirects=follow)
    return sign_in
