"""Users and roles (Người dùng), for admins: list, add, change roles, deactivate, reset a password."""

from __future__ import annotations

from flask import (Blueprint, abort, flash, make_response, redirect, render_template, request,
                   url_for)
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from broadcaster import audit
from broadcaster.db.models import Role, User, UserRole
from broadcaster.station.users import (MIN_PASSWORD_LENGTH, UserError, add_user, generate_password,
                                       set_password)
from web import db
from web.auth import db_user, role_required
from web.forms import ActionForm, MultiCheckboxField, flash_error, options
from web.labels import ROLE_WORDS

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")
ROLE_CHOICES = options((r.value, w) for r, w in ROLE_WORDS.items())


class UserForm(FlaskForm):
    full_name = StringField("Họ và tên", validators=[Length(max=200)])
    roles = MultiCheckboxField("Vai trò", choices=ROLE_CHOICES,
                               validators=[DataRequired("Hãy chọn ít nhất một vai trò.")])


class NewUserForm(UserForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Hãy nhập tên đăng nhập."),
                                                        Length(max=64)])
    password = PasswordField("Mật khẩu (để trống: máy tạo mật khẩu)",
                             validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=256,
                                         message=f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự.")])


class EditUserForm(UserForm):
    active = BooleanField("Đang hoạt động (bỏ chọn để khóa tài khoản)")


def _state(user: User) -> dict:
    return {"username": user.username, "full_name": user.full_name, "active": user.active,
            "roles": sorted(r.role.value for r in user.roles)}


def _active_admins(but: int | None = None) -> int:
    return len([u for u in db.session().scalars(
        select(User).join(UserRole).where(User.station_id == db.station().id, User.active,
                                          UserRole.role == Role.ADMIN)).unique()
                if u.id != but])


@bp.route("/nguoi-dung")
@role_required(Role.ADMIN)
def users():
    rows = db.session().scalars(select(User).where(User.station_id == db.station().id)
                                .order_by(User.active.desc(), User.username)).all()
    return render_template("admin/users.html", users=rows, form=NewUserForm())


@bp.route("/nguoi-dung/them", methods=["POST"])
@role_required(Role.ADMIN)
def add():
    form = NewUserForm()
    if not form.validate_on_submit():
        rows = db.session().scalars(select(User).where(User.station_id == db.station().id)
                                    .order_by(User.active.desc(), User.username)).all()
        return render_template("admin/users.html", users=rows, form=form), 400
    password = form.password.data or generate_password()
    session = db.session()
    try:
        user = add_user(session, db.station(), form.username.data, password,
                        [Role(r) for r in form.roles.data], (form.full_name.data or "").strip())
    except UserError as exc:
        session.rollback()
        flash_error(exc)
        return redirect(url_for("admin.users"))
    audit.record(session, user.station_id, db_user(), "user.add", "user", user.id, after=_state(user))
    session.commit()
    if form.password.data:
        flash(f"Đã tạo người dùng «{user.username}».", "info")
        return redirect(url_for("admin.users"))
    return _password_page(user, password, created=True)


@bp.route("/nguoi-dung/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = EditUserForm()
    if request.method == "GET":
        form.full_name.data, form.active.data = user.full_name, user.active
        form.roles.data = [r.role.value for r in user.roles]
    if form.validate_on_submit():
        roles = [Role(r) for r in form.roles.data]
        me = user.id == db_user().id
        keeps_admin = form.active.data and Role.ADMIN in roles
        if me and not keeps_admin:
            flash("Không thể tự khóa tài khoản của mình hoặc tự bỏ vai trò quản trị.", "error")
        elif not keeps_admin and user.has_role(Role.ADMIN) and _active_admins(but=user.id) == 0:
            flash("Đài cần ít nhất một quản trị viên đang hoạt động.", "error")
        else:
            before = _state(user)
            user.full_name, user.active = (form.full_name.data or "").strip(), form.active.data
            wanted = set(roles)
            user.roles = [r for r in user.roles if r.role in wanted] + [
                UserRole(role=role) for role in dict.fromkeys(roles)
                if role not in {r.role for r in user.roles}]
            db.session().flush()
            if _state(user) != before:
                action = "user.deactivate" if before["active"] and not user.active else "user.edit"
                audit.record(db.session(), user.station_id, db_user(), action, "user", user.id,
                             before=before, after=_state(user))
            db.session().commit()
            flash(f"Đã lưu người dùng «{user.username}».", "info")
            return redirect(url_for("admin.users"))
    return render_template("admin/user.html", user=user, form=form, action=ActionForm())


@bp.route("/nguoi-dung/<int:user_id>/mat-khau", methods=["POST"])
@role_required(Role.ADMIN)
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    password = generate_password()
    set_password(user, password)
    audit.record(db.session(), user.station_id, db_user(), "user.password_reset", "user", user.id)
    db.session().commit()
    return _password_page(user, password, created=False)


def _password_page(user: User, password: str, created: bool):
    """Show a new password once; never cached, never put in a flash (the cookie is not secret)."""
    response = make_response(render_template("admin/password.html", user=user, password=password,
                                             created=created))
    response.headers["Cache-Control"] = "no-store"
    return response
