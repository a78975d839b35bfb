"""The broadcast schedule (Lịch phát), for admins: slot times, lengths, days; add or stop a slot.

The form is read into the same data a schedule file holds and checked by the same rules
(`broadcaster.schedule.check_schedule`: names, overlaps, grace within the slot), then applied with
`station.setup.apply_schedule` (a slot left out is deactivated, never deleted: plans and the log
keep pointing at it). The playout daemon notices the change within seconds.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from broadcaster import audit
from broadcaster.db.models import Role, SlotTemplate
from broadcaster.errors import ConfigError
from broadcaster.schedule import WEEKDAYS, check_schedule
from broadcaster.station.setup import apply_schedule, schedule_state, station_schedule
from web import db
from web.auth import db_user, role_required
from web.forms import ActionForm

bp = Blueprint("schedule", __name__, url_prefix="/quan-tri/lich-phat")
NEW_ROWS = 1  # empty rows offered for a new slot


def _slots() -> list[SlotTemplate]:
    return list(db.session().scalars(select(SlotTemplate).where(
        SlotTemplate.station_id == db.station().id).order_by(SlotTemplate.active.desc(),
                                                             SlotTemplate.start_time)))


def _whole_minutes(text: str, label: str, row: int) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise ConfigError(f"Buổi thứ {row}: {label} phải là số phút nguyên, nhận được «{text}».") from None
    if value < 0:
        raise ConfigError(f"Buổi thứ {row}: {label} không được âm.")
    return value


def read_form(form, timezone: str) -> dict:
    """The posted rows as schedule data; rows left empty or marked stopped are left out."""
    def field(key: str, index: int) -> str:
        return (form.get(f"{key}-{index}") or "").strip()

    slots = []
    try:
        rows = int(form.get("rows", "0"))
    except ValueError:
        rows = 0
    for index in range(min(rows, 100)):
        if not field("name", index) and not field("title", index):
            continue  # an unused "new slot" row
        if not form.get(f"active-{index}"):
            continue
        row = len(slots) + 1
        if not field("title", index):
            raise ConfigError(f"Buổi thứ {row}: hãy nhập tên buổi (ví dụ «Buổi sáng»).")
        slots.append({
            "name": field("name", index), "title": field("title", index), "start": field("start", index),
            "length_minutes": _whole_minutes(field("length", index), "thời lượng", row),
            "grace_minutes": _whole_minutes(field("grace", index), "thời gian cho phép trễ", row),
            "weekdays": [d for d in WEEKDAYS if d in form.getlist(f"days-{index}")]})
    if not slots:
        raise ConfigError("Lịch phát cần ít nhất một buổi đang dùng.")
    return {"timezone": timezone, "slot": slots}


@bp.route("")
@role_required(Role.ADMIN)
def index():
    return render_template("admin/schedule.html", slots=_slots(), new_rows=NEW_ROWS, weekdays=WEEKDAYS)


@bp.route("", methods=["POST"])
@role_required(Role.ADMIN)
def save():
    if not ActionForm().validate_on_submit():
        abort(400)
    session, station = db.session(), db.station()
    before = schedule_state(station_schedule(session, station))
    try:
        schedule = check_schedule(read_form(request.form, station.timezone))
    except ConfigError as exc:
        flash(f"Chưa lưu lịch phát. {exc}", "error")
        return render_template("admin/schedule.html", slots=_slots(), new_rows=NEW_ROWS,
                               weekdays=WEEKDAYS, posted=request.form), 400
    apply_schedule(session, station, schedule)
    after = schedule_state(station_schedule(session, station))
    if after == before:
        flash("Lịch phát không thay đổi.", "info")
        return redirect(url_for("schedule.index"))
    audit.record(session, station.id, db_user(), "schedule.change", "station", station.id,
                 before={"slots": before}, after={"slots": after})
    session.commit()
    flash("Đã lưu lịch phát. Tiến trình phát dùng lịch mới sau vài giây.", "info")
    old = {s["name"]: s for s in before}
    if any(s["name"] in old and s["length_seconds"] != old[s["name"]]["length_seconds"] for s in after) \
            or len(after) < len(before):
        flash("Kế hoạch đã lập cho hôm nay và những ngày tới vẫn theo lịch cũ: hãy lập lại kế "
              "hoạch và duyệt lại để nội dung vừa với thời lượng mới.", "warning")
    return redirect(url_for("schedule.index"))
