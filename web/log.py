"""The as-run log (Nhật ký phát sóng): what really aired, filtered, with its air-check recording."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_login import login_required
from sqlalchemy import func, select

from broadcaster.db.models import AsRun, AsRunStatus, Topic
from broadcaster.schedule import parse_day
from web import db
from web.forms import arg_int, local_today, page_args, paginate, zone
from web.labels import ASRUN_WORDS
from web.media import aircheck_path

bp = Blueprint("log", __name__, url_prefix="/nhat-ky")
DEFAULT_DAYS = 7
MAX_DAYS = 400


@bp.route("")
@login_required
def index():
    station = db.station()
    today = local_today()
    last = parse_day(request.args.get("den")) or today
    first = parse_day(request.args.get("tu")) or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        first, last = last, first
    first = max(first, last - timedelta(days=MAX_DAYS))
    topic = request.args.get("chu_de", "")
    status = next((s for s in AsRunStatus if s.value == request.args.get("trang_thai")), None)
    query = select(AsRun).where(AsRun.station_id == station.id, AsRun.air_date >= first,
                                AsRun.air_date <= last)
    if topic:
        query = query.where(AsRun.topic_code == topic)
    if status is not None:
        query = query.where(AsRun.status == status)
    # Newest first, each item right under its slot (a slot row is written before its items).
    group = func.coalesce(AsRun.parent_id, AsRun.id)
    page = paginate(query.order_by(AsRun.air_date.desc(), group.desc(), AsRun.kind.desc(),
                                   AsRun.offset_ms, AsRun.id), arg_int("trang"), size=50)
    # An item's recording is its slot's; past `storage.aircheck_keep_days` there is none to offer.
    checks = {row.id: aircheck_path(row) is not None for row in page.items
              if row.kind == "slot" or (row.parent_id and row.played_ms)}
    topics = db.session().execute(select(Topic.code, Topic.name).where(
        Topic.station_id == station.id).order_by(Topic.sort_order)).all()
    return render_template("log.html", page=page, first=first, last=last, topic=topic,
                           status=status, topics=topics, topic_names=dict(topics),
                           statuses=ASRUN_WORDS, checks=checks, zone=zone(),
                           args=page_args(trang=None))
