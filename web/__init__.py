"""The station's web page: a Flask application factory with one blueprint per area."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Mapping

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from broadcaster.audio.config import upload_limits
from broadcaster.station.context import StationContext
from web import (admin, alerts, auth, bulletins, db, errors, health, labels, lexicon, log, media,
                 playlist, playout, reports, schedule, today, uploads)

csrf = CSRFProtect()
BLUEPRINTS = (auth, today, bulletins, uploads, lexicon, playlist, playout, log, media, reports,
              admin, schedule, alerts, health)


def create_app(ctx: StationContext, config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web app for one station home; `config` overrides Flask settings (tests)."""
    app = Flask(__name__)
    settings, secret = ctx.settings, ctx.home.secret_key
    app.config.update(
        SECRET_KEY=secret.read_text(encoding="ascii").strip() if secret.is_file() else None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        # A little above the upload limit, so a slightly larger file still gets the clear reason.
        MAX_CONTENT_LENGTH=upload_limits(settings).max_bytes + 1024 * 1024,
    )
    if config:
        app.config.update(config)
    if not app.config["SECRET_KEY"]:
        raise RuntimeError("the station home has no secret_key file: run 'broadcaster init'")
    csrf.init_app(app)
    db.init_app(app, ctx)
    auth.init_app(app)
    errors.init_app(app)
    labels.init_app(app)
    for module in BLUEPRINTS:
        app.register_blueprint(module.bp)

    @app.context_processor
    def station_settings():
        return {"settings": settings}

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data:; media-src 'self'; "
                                    "style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
                                    "form-action 'self'; base-uri 'none'")
        return response

    return app
