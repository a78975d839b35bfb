"""Health for monitoring (Sức khỏe): GET /suc-khoe gives the station's state as JSON.

Without a token only fields that reveal nothing (ok/degraded/down, heartbeat fresh or stale,
database ok or not); with `Authorization: Bearer <token>` (the station home's health_token, shown
to admins on the Cảnh báo page) the whole state that `broadcaster status --json` prints.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, jsonify, request

from broadcaster.alerts.health import DOWN, public, report
from web import db

bp = Blueprint("health", __name__)


def _token() -> str:
    path = db.home().health_token
    return path.read_text(encoding="ascii").strip() if path.is_file() else ""


@bp.route("/suc-khoe")
def index():
    full = report(db.context())
    code = 503 if full["status"] == DOWN else 200
    sent = request.headers.get("Authorization", "")
    if not sent:
        return jsonify(public(full)), code
    token = _token()
    if not token or not sent.startswith("Bearer ") or not hmac.compare_digest(
            sent.removeprefix("Bearer ").strip(), token):
        return jsonify({**public(full), "error": "mã API không đúng"}), 401
    return jsonify(full), code
