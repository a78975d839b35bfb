"""The day's playlist (Kế hoạch phát): plan a date, reorder, remove, listen, approve or reject."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from broadcaster.db.models import DayPlan, PlanStatus, Role, User
from broadcaster.errors import BroadcasterError
from broadcaster.planning.approval import PlanError, approve, reject
from broadcaster.planning.day import plan_day
from broadcaster.planning.programme import NoSuchItem, change_item
from broadcaster.planning.versions import airable_plan, versions
from broadcaster.schedule import parse_day
from web import db
from web.auth import db_user, role_required
from web.dayview import slot_views
from web.forms import ActionForm, flash_error, form_errors, local_today, now, zone
from web.labels import clock

bp = Blueprint("playlist", __name__, url_prefix="/ke-hoach")


class PlanForm(FlaskForm):
    day = StringField("Ngày", validators=[DataRequired("Hãy chọn ngày.")])


class RejectForm(FlaskForm):
    comment = TextAreaField("Lý do từ chối", validators=[
        DataRequired("Hãy ghi lý do từ chối để biên tập viên biết cần sửa gì."), Length(max=2000)])


def _back(plan: DayPlan):
    return redirect(url_for("playlist.day", ngay=plan.air_date.isoformat(),
                            _anchor=f"slot-{plan.slot.name}"))


@bp.route("")
@login_required
def day():
    chosen = parse_day(request.args.get("ngay")) or local_today()
    session, station = db.session(), db.station()
    views = slot_views(chosen, now())
    policy = db.settings()["planning.unapproved"]
    history, airing = {}, {}
    user_ids: set[int] = set()
    for view in views:
        history[view.slot_id] = versions(session, station.id, chosen, view.slot_id)
        airing[view.slot_id] = (airable_plan(session, station.id, chosen, view.slot_id, policy)
                                if history[view.slot_id] else None)
        for plan in history[view.slot_id]:
            user_ids.update(i for i in (plan.created_by_id, plan.decided_by_id) if i)
    people = {uid: full or name for uid, full, name in session.execute(
        select(User.id, User.full_name, User.username).where(User.id.in_(user_ids)))}
    return render_template("playlist.html", day=chosen, views=views, history=history,
                           airing=airing, people=people, zone=zone(), today=local_today(),
                           previous=chosen - timedelta(days=1), following=chosen + timedelta(days=1),
                           plan_form=PlanForm(day=chosen.isoformat()), action=ActionForm(),
                           reject_form=RejectForm(), policy=policy)


@bp.route("/lap", methods=["POST"])
@role_required(Role.EDITOR)
def make():
    """Plan (or re-plan) a date: render missing audio, store new draft versions."""
    form = PlanForm()
    chosen = parse_day(form.day.data) if form.validate_on_submit() else None
    if chosen is None:
        flash("Ngày không hợp lệ.", "error")
        return redirect(url_for("playlist.day"))
    if chosen < local_today():
        flash("Không lập kế hoạch cho ngày đã qua.", "error")
        return redirect(url_for("playlist.day", ngay=chosen.isoformat()))
    session, station = db.session(), db.station()
    try:
        outcomes = plan_day(session, station, chosen, db.renderer(), db_user())
    except BroadcasterError as exc:
        session.rollback()
        flash_error(exc, "Không lập được kế hoạch: ")
        return redirect(url_for("playlist.day", ngay=chosen.isoformat()))
    session.commit()
    made = sum(1 for o in outcomes if o.created)
    if not outcomes:
        flash("Ngày này không có buổi phát theo lịch.", "warning")
    elif made:
        flash(f"Đã lập kế hoạch ngày {chosen:%d/%m/%Y}: {made} buổi có phiên bản mới, cần duyệt.",
              "info")
    else:
        flash("Nội dung không đổi: giữ nguyên các phiên bản hiện có.", "info")
    return redirect(url_for("playlist.day", ngay=chosen.isoformat()))


MOVES = {"len": "up", "xuong": "down", "bo": "remove"}  # the URL's words for planning's moves


@bp.route("/<int:plan_id>/muc/<int:position>/<any(len, xuong, bo):move>", methods=["POST"])
@role_required(Role.EDITOR)
def change(plan_id: int, position: int, move: str):
    """Move an item up or down, or take it out: a new version that needs approval."""
    plan = db.get_or_404(DayPlan, plan_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    session = db.session()
    try:
        changed = change_item(session, db.station(), plan, position, MOVES[move], db.renderer(),
                              db_user(), local_today())
    except NoSuchItem:
        abort(404)
    except PlanError as exc:  # not the newest version, or a day gone by: nothing was rendered
        flash_error(exc)
        return _back(plan)
    except BroadcasterError as exc:
        session.rollback()
        flash_error(exc, "Không lưu được thay đổi: ")
        return _back(plan)
    if changed is not None:
        new, created, reason = changed
        session.commit()
        if created:
            flash(f"Đã tạo phiên bản {new.version} ({reason}); phiên bản này cần được duyệt.", "info")
        else:
            flash("Nội dung không đổi: giữ nguyên phiên bản hiện có.", "info")
    return _back(plan)


@bp.route("/<int:plan_id>/duyet", methods=["POST"])
@role_required(Role.APPROVER)
def approve_plan(plan_id: int):
    plan = db.get_or_404(DayPlan, plan_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        approve(db.session(), plan, db_user())
    except BroadcasterError as exc:
        db.session().rollback()
        flash_error(exc, "Không duyệt được: ")
        return _back(plan)
    db.session().commit()
    flash(f"Đã duyệt {plan.slot.title.lower()} ngày {plan.air_date:%d/%m/%Y}, phiên bản "
          f"{plan.version} ({clock(plan.programme_duration_ms)}).", "info")
    return _back(plan)


@bp.route("/duyet-ca-ngay", methods=["POST"])
@role_required(Role.APPROVER)
def approve_day():
    """Approve the drafts the approver saw on the day's page, all of them or none."""
    if not ActionForm().validate_on_submit():
        abort(400)
    plans = [db.get_or_404(DayPlan, plan_id) for plan_id in request.form.getlist("plan", type=int)]
    if not plans or len({p.air_date for p in plans}) != 1:
        abort(400)
    session = db.session()
    for plan in plans:
        try:
            approve(session, plan, db_user())
        except BroadcasterError as exc:
            session.rollback()
            flash(f"Không duyệt được cả ngày, chưa duyệt buổi nào: {plan.slot.title.lower()}: {exc} "
                  "Hãy xem lại trang và duyệt từng buổi.", "error")
            return redirect(url_for("playlist.day", ngay=plans[0].air_date.isoformat()))
    session.commit()
    done = ", ".join(f"{p.slot.title.lower()} phiên bản {p.version}" for p in plans)
    flash(f"Đã duyệt {len(plans)} buổi ngày {plans[0].air_date:%d/%m/%Y}: {done}.", "info")
    return redirect(url_for("playlist.day", ngay=plans[0].air_date.isoformat()))


@bp.route("/<int:plan_id>/tu-choi", methods=["POST"])
@role_required(Role.APPROVER)
def reject_plan(plan_id: int):
    plan = db.get_or_404(DayPlan, plan_id)
    form = RejectForm()
    if not form.validate_on_submit():
        form_errors(form)
        return _back(plan)
    try:
        reject(db.session(), plan, db_user(), form.comment.data)
    except BroadcasterError as exc:
        db.session().rollback()
        flash_error(exc, "Không từ chối được: ")
        return _back(plan)
    db.session().commit()
    flash(f"Đã từ chối phiên bản {plan.version} của {plan.slot.title.lower()}; biên tập viên sẽ "
          "thấy lý do.", "info")
    return _back(plan)


@bp.app_template_global()
def is_past(plan: DayPlan) -> bool:
    return plan.air_date < local_today() or plan.status is PlanStatus.SUPERSEDED
