"""One database session per request, rolled back on error and closed at the end."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from broadcaster.db import migrate
from broadcaster.db.engine import make_engine, make_sessionmaker
from broadcaster.db.models import Station
from broadcaster.settings import Settings
from sqlalchemy import select


def init_app(app: Flask, settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    if not migrate.is_current(engine):
        migrate.upgrade(engine)
    app.extensions["sessions"] = make_sessionmaker(engine)
    app.teardown_appcontext(_close)


def session() -> Session:
    """The request's session."""
    if "db" not in g:
        g.db = current_app.extensions["sessions"]()
    return g.db


def station() -> Station:
    """The station this web page serves."""
    if "station" not in g:
        code = current_app.config["STATION_SETTINGS"]["station"]
        g.station = session().scalar(select(Station).where(Station.code == code))
        if g.station is None:
            raise RuntimeError(f"station {code!r} is not set up: run 'broadcaster init'")
    return g.station


def _close(exc: BaseException | None) -> None:
    db = g.pop("db", None)
    if db is not None:
        if exc is not None:
            db.rollback()
        db.close()
