"""The broadcast schedule (Lịch phát), for admins: slot times, lengths, days; add or stop a slot.

Each row's fields are checked here with messages that name the slot and the field as the page
shows them; the whole schedule is then checked by the rules of a schedule file
(`broadcaster.schedule.check_schedule`: unique codes, no overlaps) and applied with
`station.setup.apply_schedule` (a slot left out is deactivated, never deleted: plans and the log
keep pointing at it). The playout daemon notices the change within seconds. A page opened before
someone else changed the schedule cannot overwrite that change.
"""

from __future__ import annotations

import hashlib
import re
from datetime import time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from broadcaster import audit
from broadcaster.db.models import Role, SlotTemplate
from broadcaster.errors import ConfigError
from broadcaster.schedule import WEEKDAYS, check_schedule
from broadcaster.db.queries import station_schedule
from broadcaster.station.setup import apply_schedule, schedule_state
from web import db
from web.auth import db_user, role_required
from web.forms import ActionForm

bp = Blueprint("schedule", __name__, url_prefix="/quan-tri/lich-phat")
NEW_ROWS = 1  # empty rows offered for a new slot
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_START = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def _slots() -> list[SlotTemplate]:
    return list(db.session().scalars(select(SlotTemplate).where(
        SlotTemplate.station_id == db.station().id).order_by(SlotTemplate.active.desc(),
                                                             SlotTemplate.start_time,
                                                             SlotTemplate.id)))


def _revision(slots: list[SlotTemplate]) -> str:
    """A digest of every slot as stored: the form carries it to detect a change made meanwhile."""
    state = [(s.id, s.name, s.title, s.start_time.isoformat(), s.length_seconds, s.grace_seconds,
              list(s.weekdays), s.active) for s in slots]
    return hashlib.sha256(repr(state).encode()).hexdigest()[:32]


@bp.app_template_filter("clock_time")
def clock_time(value: time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


@bp.app_template_filter("minutes")
def minutes(seconds: int) -> str:
    """90 → "1,5": minutes as the page shows and reads them back, nothing rounded away."""
    whole, rest = divmod(seconds, 60)
    return str(whole) if not rest else f"{seconds / 60:g}".replace(".", ",")


def _row(form, index: int, code: str | None) -> dict | None:
    """One posted row as schedule data, or None when it is empty or stopped; ConfigError if bad."""
    def field(key: str) -> str:
        return (form.get(f"{key}-{index}") or "").strip()

    if code is None and not field("name") and not field("title"):
        return None  # the unused "new slot" row
    if not form.get(f"active-{index}"):
        return None
    label = f"«{field('title') or code or 'Buổi mới'}»"
    if not field("title"):
        raise ConfigError(f"{label}: hãy nhập tên buổi (ví dụ «Buổi trưa»).")
    name = code if code is not None else field("name")  # an existing slot's code never changes
    if not _CODE.match(name):
        raise ConfigError(f"{label}: mã buổi «{name}» chỉ được gồm chữ thường không dấu, số, «-» "
                          "hoặc «_» (ví dụ «trua»).")
    start = _START.match(field("start"))
    if not start or int(start[1]) > 23 or int(start[2]) > 59 or int(start[3] or 0) > 59:
        raise ConfigError(f"{label}: giờ bắt đầu «{field('start')}» không hợp lệ (ví dụ 06:00 hoặc 17:30).")
    try:
        length = int(field("length"))
    except ValueError:
        length = 0
    if not 1 <= length <= 24 * 60:
        raise ConfigError(f"{label}: thời lượng phải là số phút nguyên từ 1 đến 1440, "
                          f"nhận được «{field('length')}».")
    try:
        grace = float(field("grace").replace(",", "."))
    except ValueError:
        grace = -1
    if not 0 <= grace <= length:
        raise ConfigError(f"{label}: thời gian cho phép trễ phải là số phút từ 0 đến thời lượng "
                          f"của buổi ({length} phút), nhận được «{field('grace')}».")
    days = [d for d in WEEKDAYS if d in form.getlist(f"days-{index}")]
    if not days:
        raise ConfigError(f"{label}: hãy chọn ít nhất một ngày phát.")
    return {"name": name, "title": field("title"), "start": f"{int(start[1]):02d}:{start[2]}"
            + (f":{start[3]}" if start[3] else ""), "length_minutes": length,
            "grace_minutes": grace, "weekdays": days}


def read_form(form, slots: list[SlotTemplate], timezone: str) -> dict:
    """The posted rows (existing slots first, then new ones) as the data of a schedule file."""
    codes = [s.name for s in slots] + [None] * NEW_ROWS
    rows = [row for index, code in enumerate(codes) if (row := _row(form, index, code)) is not None]
    if not rows:
        raise ConfigError("Lịch phát cần ít nhất một buổi đang dùng.")
    return {"timezone": timezone, "slot": rows}


def _page(slots: list[SlotTemplate], posted=None, status: int = 200):
    return render_template("admin/schedule.html", slots=slots, new_rows=NEW_ROWS, weekdays=WEEKDAYS,
                           revision=_revision(slots), posted=posted), status


@bp.route("")
@role_required(Role.ADMIN)
def index():
    return _page(_slots())


@bp.route("", methods=["POST"])
@role_required(Role.ADMIN)
def save():
    if not ActionForm().validate_on_submit():
        abort(400)
    session, station = db.session(), db.station()
    slots = _slots()
    if request.form.get("revision") != _revision(slots):
        flash("Lịch phát vừa được thay đổi ở nơi khác (người quản trị khác hoặc lệnh init) sau khi "
              "trang này được mở. Chưa lưu gì; trang đã được tải lại, hãy sửa lại rồi lưu.", "error")
        return redirect(url_for("schedule.index"))
    before = schedule_state(station_schedule(session, station))
    try:
        schedule = check_schedule(read_form(request.form, slots, station.timezone))
    except ConfigError as exc:
        flash(f"Chưa lưu. {exc}", "error")
        return _page(slots, request.form, 400)
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
