"""Bulletins (Bản tin): list, read with the spoken form, write, edit, delete, listen."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import exists, or_, select

from broadcaster import audit
from broadcaster.db.models import (Bulletin, BulletinKind, BulletinStatus, Clip, DayPlan, PlanItem,
                                   PlanStatus, Role)
from broadcaster.bulletins.text import bulletin_text
from broadcaster.db.queries import valid_between
from broadcaster.db.types import now_utc
from broadcaster.errors import BroadcasterError
from broadcaster.reading import ReadingLimitError
from broadcaster.tts import build_chain
from web import db
from web.auth import db_user, role_required
from web.bulletin_forms import BulletinForm, PreviewForm, parse_filters, topic_choices
from web.forms import ActionForm, arg_int, flash_error, local_today, page_args, paginate
from web.labels import BULLETIN_STATUS_WORDS, KIND_WORDS, PRIORITY_WORDS, clock
from web.spoken import annotate

bp = Blueprint("bulletins", __name__, url_prefix="/ban-tin")
DELETED = "da-xoa"


def get_bulletin(bulletin_id: int, *, deleted: bool = False) -> Bulletin:
    """The station's bulletin by id, or 404 (a deleted one only when asked for)."""
    bulletin = db.get_or_404(Bulletin, bulletin_id)
    if bulletin.deleted_at is not None and not deleted:
        abort(404)
    return bulletin


def snapshot(bulletin: Bulletin) -> dict:
    """The bulletin's fields as plain data, for the audit trail."""
    return {"title": bulletin.title, "topic_id": bulletin.topic_id, "kind": bulletin.kind.value,
            "priority": bulletin.priority.value, "status": bulletin.status.value,
            "valid_from": bulletin.valid_from.isoformat() if bulletin.valid_from else None,
            "valid_until": bulletin.valid_until.isoformat() if bulletin.valid_until else None,
            "slots": list(bulletin.slots), "weekdays": list(bulletin.weekdays),
            "repeat_kind": bulletin.repeat_kind.value, "repeat_count": bulletin.repeat_count,
            "body": bulletin.body,
            "deleted_at": bulletin.deleted_at.isoformat() if bulletin.deleted_at else None}


def in_approved_plans(bulletin_id: int, since: date) -> list[DayPlan]:
    """Approved plan versions from `since` on that carry this bulletin."""
    return list(db.session().scalars(select(DayPlan).where(
        DayPlan.station_id == db.station().id, DayPlan.status == PlanStatus.APPROVED,
        DayPlan.air_date >= since,
        exists().where(PlanItem.plan_id == DayPlan.id, PlanItem.bulletin_id == bulletin_id))
        .order_by(DayPlan.air_date)))


@bp.route("")
@login_required
def index():
    station, filters = db.station(), parse_filters(request.args)
    query = select(Bulletin).where(Bulletin.station_id == station.id)
    if filters["status"] == DELETED:
        query = query.where(Bulletin.deleted_at.is_not(None))
    else:
        query = query.where(Bulletin.deleted_at.is_(None))
        status = next((s for s in BulletinStatus if s.value == filters["status"]), None)
        if status is not None:
            query = query.where(Bulletin.status == status)
    if filters["q"]:
        pattern = "%" + filters["q"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(Bulletin.title.ilike(pattern, escape="\\"),
                                Bulletin.body.ilike(pattern, escape="\\")))
    if filters["topic"]:
        query = query.where(Bulletin.topic_id == filters["topic"])
    if filters["priority"]:
        query = query.where(Bulletin.priority == filters["priority"])
    if filters["kind"]:
        query = query.where(Bulletin.kind == filters["kind"])
    if filters["day"]:
        query = query.where(valid_between(filters["day"]))
    page = paginate(query.order_by(Bulletin.updated_at.desc(), Bulletin.id.desc()),
                    arg_int("trang"))
    return render_template("bulletins/list.html", page=page, filters=filters, args=page_args(trang=None),
                           topics=topic_choices(), statuses=BULLETIN_STATUS_WORDS,
                           priorities=PRIORITY_WORDS, kinds=KIND_WORDS, deleted=DELETED)


@bp.route("/moi", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def create():
    form = BulletinForm()
    if request.method == "GET":
        form.valid_from.data = local_today()
    if form.validate_on_submit():
        station, user = db.station(), db_user()
        bulletin = Bulletin(station_id=station.id, kind=BulletinKind.TEXT, author_id=user.id,
                            **form.fields())
        db.session().add(bulletin)
        db.session().flush()
        audit.record(db.session(), station.id, user, "bulletin.create", "bulletin", bulletin.id,
                     after=snapshot(bulletin))
        db.session().commit()
        flash(f"Đã lưu bản tin «{bulletin.title}». Kiểm tra cách đọc bên dưới rồi nghe thử.", "info")
        return redirect(url_for("bulletins.show", bulletin_id=bulletin.id))
    return render_template("bulletins/form.html", form=form, bulletin=None)


@bp.route("/<int:bulletin_id>")
@login_required
def show(bulletin_id: int):
    bulletin = get_bulletin(bulletin_id, deleted=True)
    settings = db.settings()
    explanation, unread = None, ""
    if bulletin.kind is BulletinKind.TEXT:
        try:
            explanation = db.reading().explain(bulletin_text(bulletin))
        except ReadingLimitError as exc:  # too long or too slow to read: say so, never hang
            unread = str(exc)
    clips = db.session().scalars(select(Clip).where(Clip.station_id == db.station().id,
                                                    Clip.bulletin_id == bulletin.id)
                                 .order_by(Clip.id.desc()).limit(5)).all()
    return render_template("bulletins/detail.html", bulletin=bulletin, explanation=explanation,
                           unread=unread,
                           marked=annotate(explanation) if explanation else None, clips=clips,
                           preview=PreviewForm(settings), action=ActionForm(),
                           approved=in_approved_plans(bulletin.id, local_today()))


@bp.route("/<int:bulletin_id>/sua", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def edit(bulletin_id: int):
    bulletin = get_bulletin(bulletin_id)
    form = BulletinForm(recording=bulletin.kind is BulletinKind.RECORDING)
    if request.method == "GET":
        form.fill(bulletin)
    if form.validate_on_submit():
        before = snapshot(bulletin)
        for name, value in form.fields().items():
            setattr(bulletin, name, value)
        after = snapshot(bulletin)
        if after == before:
            flash("Không có thay đổi nào.", "info")
            return redirect(url_for("bulletins.show", bulletin_id=bulletin.id))
        approved = in_approved_plans(bulletin.id, local_today())
        note = _approved_note(approved)
        audit.record(db.session(), bulletin.station_id, db_user(),
                     "bulletin.edit_approved" if approved else "bulletin.edit", "bulletin",
                     bulletin.id, before=before, after=after, comment=note)
        db.session().commit()
        flash("Đã lưu thay đổi.", "info")
        if approved:
            flash("Bản tin này " + note + ". Buổi đã duyệt vẫn phát nội dung cũ cho đến khi lập "
                  "lại kế hoạch và duyệt lại.", "warning")
        return redirect(url_for("bulletins.show", bulletin_id=bulletin.id))
    return render_template("bulletins/form.html", form=form, bulletin=bulletin)


@bp.route("/<int:bulletin_id>/xoa", methods=["POST"])
@role_required(Role.EDITOR)
def delete(bulletin_id: int):
    bulletin = get_bulletin(bulletin_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    before = snapshot(bulletin)
    bulletin.deleted_at = now_utc()
    approved = in_approved_plans(bulletin.id, local_today())
    note = _approved_note(approved)
    audit.record(db.session(), bulletin.station_id, db_user(),
                 "bulletin.delete_approved" if approved else "bulletin.delete", "bulletin",
                 bulletin.id, before=before, comment=note)
    db.session().commit()
    flash(f"Đã xóa bản tin «{bulletin.title}». Lịch sử phát của bản tin vẫn được giữ.", "info")
    if approved:
        flash("Bản tin này " + note + ". Các buổi đó vẫn phát bản tin cho đến khi lập lại kế "
              "hoạch và duyệt lại: hãy làm ngay nếu thông tin đã sai.", "warning")
    return redirect(url_for("bulletins.index"))


@bp.route("/<int:bulletin_id>/khoi-phuc", methods=["POST"])
@role_required(Role.EDITOR)
def restore(bulletin_id: int):
    """Bring a deleted bulletin back (it may be planned again); audited like the delete."""
    bulletin = get_bulletin(bulletin_id, deleted=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    if bulletin.deleted_at is None:
        flash(f"Bản tin «{bulletin.title}» chưa bị xóa.", "info")
        return redirect(url_for("bulletins.show", bulletin_id=bulletin.id))
    before = snapshot(bulletin)
    bulletin.deleted_at = None
    audit.record(db.session(), bulletin.station_id, db_user(), "bulletin.restore", "bulletin",
                 bulletin.id, before=before, after=snapshot(bulletin))
    db.session().commit()
    flash(f"Đã khôi phục bản tin «{bulletin.title}». Bản tin sẽ được chọn khi lập kế hoạch, "
          "như trước khi xóa.", "info")
    return redirect(url_for("bulletins.show", bulletin_id=bulletin.id))


def _approved_note(approved: list[DayPlan]) -> str:
    """Name the approved slots a bulletin is in (empty when none)."""
    if not approved:
        return ""
    return "đang có trong kế hoạch đã duyệt: " + ", ".join(
        f"{p.air_date:%d/%m} {p.slot.title.lower()} v{p.version}" for p in approved)


@bp.route("/<int:bulletin_id>/doc-thu", methods=["POST"])
@role_required(Role.EDITOR)
def preview(bulletin_id: int):
    """Render the bulletin with the chosen engine, voice and speed, and record the clip."""
    bulletin = get_bulletin(bulletin_id)
    settings = db.settings()
    form = PreviewForm(settings)
    if not form.validate_on_submit():
        flash("Lựa chọn đọc thử không hợp lệ.", "error")
        return redirect(url_for("bulletins.show", bulletin_id=bulletin.id))
    names = [form.engine.data] if form.engine.data else None
    chain_names = names or list(settings["tts.engines"])
    voice = form.voice.data if "espeak" in chain_names else None
    try:
        chain = build_chain(settings, names=names, voice=voice, speed=float(form.speed.data),
                            cache_dir=db.home().clip_cache)
        renderer = db.renderer(chain)
        clip = renderer.save_clip(renderer.bulletin_clip(bulletin))
    except BroadcasterError as exc:
        db.session().rollback()
        flash_error(exc, "Không đọc thử được: ")
        return redirect(url_for("bulletins.show", bulletin_id=bulletin.id))
    db.session().commit()
    flash(f"Đã tạo âm thanh ({clip.engine}, dài {clock(clip.duration_ms)}). Nghe bên dưới.", "info")
    return redirect(url_for("bulletins.show", bulletin_id=bulletin.id, _anchor="nghe"))

