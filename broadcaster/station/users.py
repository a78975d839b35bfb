"""Station users: hashed passwords and roles."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from broadcaster.db.models import Role, Station, User, UserRole
from broadcaster.errors import BroadcasterError

MIN_PASSWORD_LENGTH = 8
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class UserError(BroadcasterError):
    """A user cannot be created or changed as asked."""


def generate_password() -> str:
    """Return a random password that is easy to type from a printout."""
    return secrets.token_urlsafe(12)


def add_user(session: Session, station: Station, username: str, password: str,
             roles: list[Role], full_name: str = "") -> User:
    """Create a user; raise UserError on a bad name, a weak password or a duplicate."""
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise UserError(f"tên đăng nhập '{username}' không hợp lệ: dùng 2–64 chữ thường không dấu, "
                        "số, '.', '-' hoặc '_'.")
    if not roles:
        raise UserError("người dùng cần ít nhất một vai trò.")
    exists = session.scalar(select(User).where(User.station_id == station.id,
                                               User.username == username))
    if exists is not None:
        raise UserError(f"người dùng '{username}' đã tồn tại.")
    user = User(station_id=station.id, username=username, full_name=full_name,
                roles=[UserRole(role=role) for role in dict.fromkeys(roles)])
    set_password(user, password)
    session.add(user)
    session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """Store a new password for the user, hashed; refuse a short one."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    user.password_hash = generate_password_hash(password)


def check_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)
