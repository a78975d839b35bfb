"""Today (Hôm nay): the day's slots, the next slot and the bulletins that may air today."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import func, or_, select

from broadcaster.db.models import Bulletin, BulletinStatus
from broadcaster.schedule import expand_day
from broadcaster.station.setup import station_schedule
from web import db

bp = Blueprint("today", __name__)


@bp.route("/")
@login_required
def index():
    station = db.station()
    zone = ZoneInfo(station.timezone)
    now = datetime.now(timezone.utc)
    local_today = now.astimezone(zone).date()
    slots = expand_day(station_schedule(db.session(), station), local_today)
    upcoming = [s for s in slots if s.ends_at > now]
    eligible = db.session().scalar(
        select(func.count(Bulletin.id)).where(
            Bulletin.station_id == station.id, Bulletin.deleted_at.is_(None),
            Bulletin.status == BulletinStatus.ACTIVE,
            or_(Bulletin.valid_from.is_(None), Bulletin.valid_from <= local_today),
            or_(Bulletin.valid_until.is_(None), Bulletin.valid_until >= local_today)))
    return render_template("today.html", station=station, today=local_today, slots=slots,
                           next_slot=upcoming[0] if upcoming else None, now=now, zone=zone,
                           eligible=eligible)
