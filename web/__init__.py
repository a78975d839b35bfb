"""The station's web page: a Flask application factory with one blueprint per area."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Mapping

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from broadcaster.settings import Settings
from web import auth, db, errors, today

csrf = CSRFProtect()


def create_app(settings: Settings, config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web app for one station home; `config` overrides Flask settings (tests)."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=(settings.home / "secret_key").read_text(encoding="ascii").strip()
        if (settings.home / "secret_key").is_file() else None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
        STATION_SETTINGS=settings,
    )
    if config:
        app.config.update(config)
    if not app.config["SECRET_KEY"]:
        raise RuntimeError("the station home has no secret_key file: run 'broadcaster init'")
    csrf.init_app(app)
    db.init_app(app, settings)
    auth.init_app(app)
    errors.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(today.bp)
    return app
