"""Playout (Phát sóng): the daemon's state, play now, re-play a slot, emergency broadcast."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import case, select
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from broadcaster import audit
from broadcaster.db.models import (Bulletin, BulletinKind, BulletinStatus, Clip, DayPlan, PlanStatus,
                                   Priority, Role, Topic)
from broadcaster.db.playout_models import PlayRequest
from broadcaster.errors import BroadcasterError
from broadcaster.playout import read_heartbeat, request_play
from broadcaster.render import StationRenderer
from web import db
from web.auth import db_user, role_required
from web.bulletins import get_bulletin, snapshot
from web.dayview import slot_views
from web.forms import ActionForm, flash_error, local_today, now, options, zone
from web.labels import local

bp = Blueprint("playout", __name__, url_prefix="/phat")
EMERGENCY_TOPIC = "thong-bao"
MAX_EMERGENCY_TEXT = 2000


def _choices() -> list[tuple[str, str]]:
    """Bulletins an operator may air: not deleted, emergencies and priorities first."""
    rank = case((Bulletin.priority == Priority.EMERGENCY, 0),
                (Bulletin.priority == Priority.PRIORITY, 1), else_=2)
    rows = db.session().execute(select(Bulletin.id, Bulletin.title).where(
        Bulletin.station_id == db.station().id, Bulletin.deleted_at.is_(None),
        Bulletin.status != BulletinStatus.DRAFT)
        .order_by(rank, Bulletin.updated_at.desc()).limit(100)).all()
    return [("", "— chọn bản tin —")] + [(str(i), f"{i}. {t}") for i, t in rows]


class PlayForm(FlaskForm):
    bulletin = SelectField("Bản tin", validators=[DataRequired("Hãy chọn bản tin.")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bulletin.choices = options(_choices())


class EmergencyForm(FlaskForm):
    bulletin = SelectField("Phát một bản tin có sẵn", validators=[Optional()])
    text = TextAreaField("Hoặc viết thông báo ngắn", validators=[
        Length(max=MAX_EMERGENCY_TEXT, message="Thông báo khẩn cấp tối đa 2.000 ký tự.")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bulletin.choices = options(_choices())

    def validate_text(self, field) -> None:
        if bool(self.bulletin.data) == bool((field.data or "").strip()):
            raise ValidationError("Hãy chọn một bản tin hoặc viết thông báo (chỉ một trong hai).")


class ConfirmForm(FlaskForm):
    bulletin_id = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,12}$")])


@bp.route("")
@login_required
def status():
    session, station = db.session(), db.station()
    moment = now()
    requests = session.scalars(select(PlayRequest).where(PlayRequest.station_id == station.id)
                               .order_by(PlayRequest.id.desc()).limit(15)).all()
    return render_template("playout.html", beat=read_heartbeat(session, station.id, moment),
                           requests=requests, views=slot_views(local_today(), moment),
                           play_form=PlayForm(), action=ActionForm(), zone=zone())


def _queue(bulletin_id: int | None = None, path=None, emergency: bool = False,
           comment: str = "") -> PlayRequest | None:
    session, station = db.session(), db.station()
    try:
        made = request_play(session, station, db_user(), db.home(), db.renderer(),
                            bulletin_id=bulletin_id, path=path, emergency=emergency,
                            comment=comment)
    except BroadcasterError as exc:
        session.rollback()
        flash_error(exc, "Không phát được: ")
        return None
    session.commit()
    beat = read_heartbeat(session, station.id)
    if beat is None or not beat.alive:
        ttl = db.settings()["playout.request_ttl_minutes"]
        flash(f"Tiến trình phát đang không chạy: yêu cầu chỉ được phát nếu tiến trình phát chạy "
              f"lại trong vòng {ttl} phút; quá hạn thì bị hủy.", "warning")
    return made


@bp.route("/phat-ngay", methods=["POST"])
@role_required(Role.OPERATOR)
def play_now():
    form = PlayForm()
    if not form.validate_on_submit() or not form.bulletin.data.isdigit():
        flash("Hãy chọn bản tin cần phát.", "error")
        return redirect(url_for("playout.status"))
    made = _queue(bulletin_id=int(form.bulletin.data))
    if made is not None:
        flash(f"Đã gửi yêu cầu phát «{made.title}».", "info")
    return redirect(url_for("playout.status"))


@bp.route("/phat-lai/<int:plan_id>", methods=["POST"])
@role_required(Role.OPERATOR)
def replay(plan_id: int):
    """Air an approved slot programme again now (after a missed or failed slot)."""
    plan = db.get_or_404(DayPlan, plan_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if plan.status is not PlanStatus.APPROVED or not plan.programme_path:
        flash("Chỉ phát lại được phiên bản đã duyệt có âm thanh chương trình.", "error")
        return redirect(url_for("playout.status"))
    made = _queue(path=db.home().path(plan.programme_path),
                  comment=f"phát lại {plan.slot.title.lower()} ngày {plan.air_date:%d/%m/%Y} "
                          f"phiên bản {plan.version}")
    if made is not None:
        flash(f"Đã gửi yêu cầu phát lại {plan.slot.title.lower()} (phiên bản {plan.version}).", "info")
    return redirect(url_for("playout.status"))


@bp.route("/khan-cap", methods=["GET", "POST"])
@role_required(Role.OPERATOR)
def emergency():
    """Step one: choose a bulletin or write a text; the audio is made, then confirmed."""
    form = EmergencyForm()
    if form.validate_on_submit():
        session, station, settings = db.session(), db.station(), db.settings()
        renderer = db.renderer()
        try:
            if form.bulletin.data:
                if not form.bulletin.data.isdigit():
                    abort(400)
                bulletin = get_bulletin(int(form.bulletin.data))
            else:
                bulletin = _emergency_bulletin(form.text.data.strip())
            clip = _clip_of(bulletin, renderer)
        except BroadcasterError as exc:
            session.rollback()
            flash_error(exc, "Không tạo được âm thanh: ")
            return render_template("emergency.html", form=form)
        session.commit()
        return render_template("emergency_confirm.html", bulletin=bulletin, clip=clip,
                               ttl=settings["playout.request_ttl_minutes"],
                               form=ConfirmForm(bulletin_id=bulletin.id),
                               beat=read_heartbeat(session, station.id))
    return render_template("emergency.html", form=form)


def _emergency_bulletin(text: str) -> Bulletin:
    """A written emergency notice becomes an archived bulletin: the log and reports can name it."""
    session, station, user = db.session(), db.station(), db_user()
    topic = session.scalar(select(Topic).where(Topic.station_id == station.id,
                                               Topic.code == EMERGENCY_TOPIC))
    topic = topic or session.scalar(select(Topic).where(Topic.station_id == station.id)
                                    .order_by(Topic.sort_order))
    short = " ".join(text.split())
    short = short if len(short) <= 60 else short[:59] + "…"
    today = local_today()
    when = local(now(), zone(), "%H:%M %d/%m")
    bulletin = Bulletin(station_id=station.id, title=f"Khẩn cấp {when}: {short}",
                        topic_id=topic.id, kind=BulletinKind.TEXT, body=text,
                        priority=Priority.EMERGENCY, status=BulletinStatus.ARCHIVED,
                        valid_from=today, valid_until=today, author_id=user.id)
    session.add(bulletin)
    session.flush()
    audit.record(session, station.id, user, "bulletin.create", "bulletin", bulletin.id,
                 after=snapshot(bulletin), comment="thông báo khẩn cấp viết tại trang phát sóng")
    return bulletin


def _clip_of(bulletin: Bulletin, renderer: StationRenderer) -> Clip:
    """The clip of the bulletin's current text in the station's voice (made now if missing).

    Not "the newest clip": that may be an older text or an editor's preview in another voice.
    """
    return renderer.save_clip(renderer.bulletin_clip(bulletin))


@bp.route("/khan-cap/xac-nhan", methods=["POST"])
@role_required(Role.OPERATOR)
def emergency_confirm():
    """Step two (Xác nhận phát khẩn cấp): queue the emergency; playout cuts in at once."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("Yêu cầu xác nhận không hợp lệ; hãy làm lại từ đầu.", "error")
        return redirect(url_for("playout.emergency"))
    bulletin = get_bulletin(int(form.bulletin_id.data))
    made = _queue(bulletin_id=bulletin.id, emergency=True, comment="phát khẩn cấp từ trang web")
    if made is None:
        return redirect(url_for("playout.emergency"))
    flash(f"ĐÃ GỬI LỆNH PHÁT KHẨN CẤP «{made.title}». Tiến trình phát sẽ ngắt nội dung đang phát "
          "để phát ngay.", "warning")
    return redirect(url_for("playout.status"))
