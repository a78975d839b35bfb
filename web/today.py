"""Today (Hôm nay): the day's slots and their state, the next slot, playout's heartbeat, warnings."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import func, select

from broadcaster.db.models import AsRunStatus, Bulletin
from broadcaster.db.queries import plannable
from broadcaster.playout import read_heartbeat
from web import db
from web.dayview import slot_views
from web.forms import local_today, now, zone

bp = Blueprint("today", __name__)


@bp.route("/")
@login_required
def index():
    station = db.station()
    moment, day = now(), local_today()
    slots = slot_views(day, moment)
    # The next slot still to air (one that already aired is done even if its window is open).
    upcoming = [view for view in slots if view.instance.ends_at > moment
                and (view.aired is None or view.aired.status is AsRunStatus.STARTED)]
    eligible = db.session().scalar(select(func.count(Bulletin.id))
                                   .where(plannable(station.id, day)))
    warnings = [w for view in slots for w in view.warnings]
    return render_template("today.html", station=station, today=day, slots=slots,
                           next_slot=upcoming[0] if upcoming else None, now=moment, zone=zone(),
                           eligible=eligible, beat=read_heartbeat(db.session(), station.id, moment),
                           warnings=warnings)
