"""Audio for the page's players: looked up by id in the database, never by a path from the request.

Clips, slot programmes and air-check recordings live under the station home; each route finds its
row by id, builds the path from stored fields and refuses anything that would leave the home.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, send_file
from flask_login import login_required
from sqlalchemy import select

from broadcaster.db.models import AsRun, Clip, DayPlan, Trigger
from broadcaster.db.playout_models import PlayRequest
from web import db

bp = Blueprint("media", __name__, url_prefix="/am-thanh")


def _inside_home(relative: str | None) -> Path:
    """The audio file a stored path names, if it is an MP3 in the home's audio folders; else 404."""
    if not relative:
        abort(404)
    path = db.home().path(relative).resolve()
    if (path.suffix.lower() != ".mp3"
            or not any(path.is_relative_to(folder.resolve()) for folder in db.home().audio_folders)
            or not path.is_file()):
        abort(404)
    return path


def _send(path: Path):
    return send_file(path, mimetype="audio/mpeg", conditional=True, max_age=0,
                     download_name=path.name)


@bp.route("/clip/<int:clip_id>")
@login_required
def clip(clip_id: int):
    return _send(_inside_home(db.get_or_404(Clip, clip_id).path))


@bp.route("/chuong-trinh/<int:plan_id>")
@login_required
def programme(plan_id: int):
    return _send(_inside_home(db.get_or_404(DayPlan, plan_id).programme_path))


def aircheck_path(row: AsRun) -> Path | None:
    """The air-check recording of an as-run slot row (an item's is its slot's), if it exists.

    Playout names it after the slot and plan version, or after the play request; a second airing
    of the same name gets a -2, -3 suffix, so the file written closest to the row's end is it.
    """
    session = db.session()
    if row.kind == "item" and row.parent_id:
        row = session.get(AsRun, row.parent_id)
        if row is None:
            return None
    if row.trigger is Trigger.SCHEDULE:
        if not row.slot_name or row.plan_version is None:
            return None
        base = f"{row.slot_name}-v{row.plan_version}"
    else:
        request = session.scalar(select(PlayRequest).where(PlayRequest.as_run_id == row.id))
        if request is None:
            return None
        base = f"{'emergency' if request.emergency else 'manual'}-{request.id}"
    home = db.home().root.resolve()
    folder = db.home().aircheck_folder(row.air_date).resolve()
    if not folder.is_relative_to(home) or not folder.is_dir():
        return None
    found = [p for p in folder.iterdir()
             if p.suffix == ".mp3" and (p.stem == base or p.stem.startswith(base + "-"))]
    if not found:
        return None
    moment = (row.ended_at or row.started_at or row.created_at).timestamp()
    return min(found, key=lambda p: abs(p.stat().st_mtime - moment))


@bp.route("/ghi-song/<int:as_run_id>")
@login_required
def aircheck(as_run_id: int):
    path = aircheck_path(db.get_or_404(AsRun, as_run_id))
    if path is None:
        abort(404)
    return _send(_inside_home(str(path)))


@bp.app_template_global()
def programme_kept(plan: DayPlan) -> bool:
    """Whether the plan's programme file is still on disk (past ones expire: see retention)."""
    return bool(plan.programme_path) and db.home().path(plan.programme_path).is_file()

