"""Files sent from the browser: a bulletin's recording, bulletin script files to import.

Uploaded files land in a temporary folder under the station home, under names the server makes;
the browser's file name is only shown and checked for its extension, never used as a path.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.utils import secure_filename

from broadcaster import audit
from broadcaster.audio.config import loudness_target, upload_limits
from broadcaster.audio.errors import UploadError
from broadcaster.audio.uploads import import_upload
from broadcaster.bulletins.importer import SCRIPT_SUFFIX, import_paths
from broadcaster.db.models import BulletinKind, Clip, Role
from web import db
from web.auth import db_user, role_required
from web.bulletins import get_bulletin
from web.forms import flash_error

bp = Blueprint("uploads", __name__, url_prefix="/ban-tin")
MAX_SCRIPTS = 200


class RecordingForm(FlaskForm):
    recording = FileField("Bản ghi âm")


class ScriptsForm(FlaskForm):
    scripts = FileField("Tệp bản tin (.txt)", render_kw={"multiple": True, "accept": ".txt"})


def _workdir() -> Path:
    folder = db.home().uploads
    folder.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="upload-", dir=folder))


@bp.route("/<int:bulletin_id>/ghi-am", methods=["POST"])
@role_required(Role.EDITOR)
def recording(bulletin_id: int):
    """Check, normalize and store an uploaded recording as the bulletin's clip."""
    bulletin = get_bulletin(bulletin_id)
    form = RecordingForm()
    back = redirect(url_for("bulletins.show", bulletin_id=bulletin.id, _anchor="nghe"))
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get("recording")
    if upload is None or not upload.filename:
        flash("Hãy chọn một tệp ghi âm để tải lên.", "error")
        return back
    settings, home = db.settings(), db.home()
    original = Path(upload.filename.replace("\\", "/")).name[:200]
    work = _workdir()
    try:
        source = work / ("upload" + Path(original).suffix.lower()[:8])
        upload.save(source)
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        dest = home.recordings / f"ban-tin-{bulletin.id}-{secrets.token_hex(6)}.mp3"
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            made = import_upload(source, dest, original_name=original,
                                 limits=upload_limits(settings), target=loudness_target(settings))
        except UploadError as exc:
            dest.unlink(missing_ok=True)
            flash_error(exc, "Không nhận bản ghi: ")
            return back
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # Each upload is its own clip (the newest recording is the one that airs).
    key = hashlib.sha256(f"recording:{bulletin.id}:{digest}:{dest.name}".encode()).hexdigest()
    session = db.session()
    clip = Clip(station_id=bulletin.station_id, cache_key=key, kind="recording",
                bulletin_id=bulletin.id, spoken_text="", engine="upload", voice="",
                options={"original_name": original, "format": made.source_format,
                         "codec": made.source_codec},
                path=home.relative(dest), duration_ms=made.duration_ms,
                lufs=made.lufs, true_peak=made.true_peak)
    session.add(clip)
    before_kind = bulletin.kind
    bulletin.kind = BulletinKind.RECORDING
    session.flush()
    audit.record(session, bulletin.station_id, db_user(), "bulletin.upload", "bulletin", bulletin.id,
                 before={"kind": before_kind.value},
                 after={"kind": bulletin.kind.value, "clip_id": clip.id, "file": original,
                        "duration_ms": made.duration_ms})
    session.commit()
    flash(f"Đã nhận bản ghi «{original}» ({made.duration_ms // 60000} phút "
          f"{made.duration_ms // 1000 % 60:02d} giây). Bản tin sẽ phát bản ghi này.", "info")
    return back


@bp.route("/nhap", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def import_scripts():
    """Import bulletin script files (the scripts_vi format) sent from the browser."""
    form = ScriptsForm()
    report = None
    if form.validate_on_submit():
        files = [f for f in request.files.getlist("scripts") if f and f.filename]
        if not files:
            flash("Hãy chọn ít nhất một tệp .txt.", "error")
        elif len(files) > MAX_SCRIPTS:
            flash(f"Mỗi lần nhập tối đa {MAX_SCRIPTS} tệp.", "error")
        else:
            report = _import(files)
    return render_template("bulletins/import.html", form=form, report=report)


def _import(files) -> dict:
    work = _workdir()
    shown: dict[str, str] = {}
    rejected: list[tuple[str, str]] = []
    try:
        for upload in files:
            original = Path(upload.filename.replace("\\", "/")).name
            name = secure_filename(original)
            if not name.lower().endswith(SCRIPT_SUFFIX) or name in shown.values():
                reason = ("chỉ nhận tệp văn bản .txt." if not name.lower().endswith(SCRIPT_SUFFIX)
                          else "trùng tên với tệp khác trong lần nhập này.")
                rejected.append((original, reason))
                continue
            path = work / name
            upload.save(path)
            shown[str(path)] = original
        station, user = db.station(), db_user()
        report = import_paths(db.session(), station, [work], actor=user.username)
        db.session().commit()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def name_of(path: str) -> str:
        return shown.get(path, Path(path).name)
    return {"created": [name_of(p) for p in report.created],
            "updated": [name_of(p) for p in report.updated],
            "unchanged": [name_of(p) for p in report.unchanged],
            "rejected": rejected + [(name_of(p), reason) for p, reason in report.rejected]}
