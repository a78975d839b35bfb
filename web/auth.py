"""Sign-in, sign-out, the current user and role checks."""

from __future__ import annotations

import threading
import time
from functools import wraps
from typing import Callable
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from broadcaster.db.models import Role, User
from broadcaster.db.queries import owned
from broadcaster.db.types import now_utc
from broadcaster.station.users import check_password
from web import db

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Hãy đăng nhập để tiếp tục."
login_manager.login_message_category = "warning"

MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60


class SignedIn(UserMixin):
    """The signed-in user as the web layer sees it (detached from the database session)."""

    def __init__(self, user: User):
        self.id = user.id
        self.username = user.username
        self.full_name = user.full_name or user.username
        self.roles = frozenset(r.role for r in user.roles)

    def has_role(self, *roles: Role) -> bool:
        return Role.ADMIN in self.roles or any(r in self.roles for r in roles)


class Throttle:
    """Count failed sign-ins per (address, user name) and lock out after too many."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._failures: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, key: tuple[str, str]) -> bool:
        with self._lock:
            recent = [t for t in self._failures.get(key, []) if self._clock() - t < LOCKOUT_SECONDS]
            self._failures[key] = recent
            return len(recent) >= MAX_FAILURES

    def fail(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures.setdefault(key, []).append(self._clock())

    def clear(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures.pop(key, None)


class LoginForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Hãy nhập tên đăng nhập."),
                                                        Length(max=64)])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Hãy nhập mật khẩu."),
                                                     Length(max=256)])


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.extensions["login_throttle"] = Throttle()


@login_manager.user_loader
def load_user(user_id: str) -> SignedIn | None:
    user = owned(db.session(), User, int(user_id), db.station().id) if user_id.isdigit() else None
    if user is None or not user.active:
        return None
    return SignedIn(user)


def db_user() -> User:
    """The signed-in user's row in this request's session (for domain calls that need a User)."""
    user = db.session().get(User, current_user.id)
    if user is None:
        abort(403)
    return user


def role_required(*roles: Role):
    """Let a view through only for signed-in users holding one of the roles (admins always)."""
    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorate


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("today.index")


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        key = (request.remote_addr or "", username)
        throttle: Throttle = current_app.extensions["login_throttle"]
        if throttle.blocked(key):
            flash("Đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút.", "error")
            return render_template("login.html", form=form), 429
        user = db.session().scalar(select(User).where(User.station_id == db.station().id,
                                                      User.username == username))
        if user is None or not user.active or not check_password(user, form.password.data):
            throttle.fail(key)
            flash("Tên đăng nhập hoặc mật khẩu không đúng.", "error")
            return render_template("login.html", form=form), 401
        throttle.clear(key)
        user.last_login_at = now_utc()
        db.session().commit()
        login_user(SignedIn(user))
        return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", form=form)


@bp.route("/dang-xuat", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))
