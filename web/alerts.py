"""Alerts (Cảnh báo), for admins: where alerts go, a test send, the open alerts, the delivery log,
and the API token of /suc-khoe."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from broadcaster import audit
from broadcaster.alerts import delivery
from broadcaster.alerts.watcher import Watcher, open_alerts
from broadcaster.db.models import Role
from broadcaster.db.watch_models import AlertDelivery, AlertTarget
from web import db
from web.auth import db_user, role_required
from web.forms import ActionForm, flash_error

bp = Blueprint("alerts", __name__, url_prefix="/quan-tri/canh-bao")


class TargetForm(FlaskForm):
    url = StringField("Địa chỉ nhận (theo cú pháp apprise)", validators=[
        DataRequired("Hãy nhập địa chỉ nhận cảnh báo."), Length(max=2000)])


def _page(form: TargetForm, status: int = 200):
    session, station = db.session(), db.station()
    token = db.home().health_token
    return render_template(
        "admin/alerts.html", form=form, action=ActionForm(),
        targets=delivery.targets(session, station.id, db.settings()),
        alerts=open_alerts(session, station.id),
        deliveries=session.scalars(select(AlertDelivery).where(
            AlertDelivery.station_id == station.id).order_by(AlertDelivery.id.desc()).limit(50)).all(),
        token=token.read_text(encoding="ascii").strip() if token.is_file() else ""), status


@bp.route("")
@role_required(Role.ADMIN)
def index():
    return _page(TargetForm())


@bp.route("/them", methods=["POST"])
@role_required(Role.ADMIN)
def add():
    form = TargetForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    url = form.url.data.strip()
    try:
        label = delivery.describe(url)
    except delivery.AlertError as exc:
        flash_error(exc)
        return _page(form, 400)
    session, station = db.session(), db.station()
    if any(t.key == delivery.target_key(url) for t in delivery.targets(session, station.id, db.settings())):
        flash("Địa chỉ này đã có trong danh sách nhận cảnh báo.", "warning")
        return redirect(url_for("alerts.index"))
    target = AlertTarget(station_id=station.id, url=url, added_by=db_user().username)
    session.add(target)
    session.flush()
    audit.record(session, station.id, db_user(), "alert_target.add", "alert_target", target.id,
                 after={"target": label})
    session.commit()
    flash(f"Đã thêm nơi nhận cảnh báo {label}. Hãy bấm «Gửi thử» để kiểm tra.", "info")
    return redirect(url_for("alerts.index"))


@bp.route("/<int:target_id>/xoa", methods=["POST"])
@role_required(Role.ADMIN)
def remove(target_id: int):
    target = db.get_or_404(AlertTarget, target_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    label = delivery.label(target.url)
    session = db.session()
    audit.record(session, target.station_id, db_user(), "alert_target.remove", "alert_target",
                 target.id, before={"target": label})
    session.delete(target)
    session.commit()
    flash(f"Đã gỡ nơi nhận {label}.", "info")
    return redirect(url_for("alerts.index"))


@bp.route("/gui-thu", methods=["POST"])
@role_required(Role.ADMIN)
def test():
    if not ActionForm().validate_on_submit():
        abort(400)
    db.session().rollback()  # the watcher's sessions do the writing; nothing is held meanwhile
    results = Watcher(db.context()).test(db_user().full_name or db_user().username)
    if not results:
        flash("Chưa có nơi nhận cảnh báo nào: hãy thêm một địa chỉ trước.", "error")
    for target, outcome in results:
        if outcome.ok:
            flash(f"Đã gửi thử tới {target.label}.", "info")
        else:
            flash(f"Không gửi được tới {target.label}: {outcome.error}", "error")
    return redirect(url_for("alerts.index"))
