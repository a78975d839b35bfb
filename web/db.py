"""The web page over the station context: one session per request, the station, its reading.

The session is rolled back on error and closed at the end of the request.
"""

from __future__ import annotations

from typing import TypeVar

from flask import Flask, abort, current_app, g
from sqlalchemy.orm import Session

from broadcaster.db.models import Station
from broadcaster.db.queries import owned
from broadcaster.home import Home
from broadcaster.reading import ReadingPolicy
from broadcaster.render import StationRenderer
from broadcaster.settings import Settings
from broadcaster.station.context import StationContext
from broadcaster.station.reading import reading_policy
from broadcaster.tts import SpeechChain

Row = TypeVar("Row")


def init_app(app: Flask, ctx: StationContext) -> None:
    ctx.engine  # migrated before the first request
    app.extensions["station"] = ctx
    app.teardown_appcontext(_close)


def context() -> StationContext:
    return current_app.extensions["station"]


def settings() -> Settings:
    return context().settings


def home() -> Home:
    return context().home


def session() -> Session:
    """The request's session."""
    if "db" not in g:
        g.db = context().sessions()
    return g.db


def station() -> Station:
    """The station this web page serves."""
    if "station" not in g:
        g.station = context().station(session())
    return g.station


def reading() -> ReadingPolicy:
    """The station's reading policy, read once per request."""
    if "reading" not in g:
        g.reading = reading_policy(session(), station().id, settings())
    return g.reading


def renderer(chain: SpeechChain | None = None) -> StationRenderer:
    """The station's renderer in the request's session."""
    return StationRenderer(session(), station(), settings(), home(), reading(), chain)


def get_or_404(model: type[Row], row_id: int) -> Row:
    """A row of the station's (bulletin, plan, clip…) by id, or 404."""
    row = owned(session(), model, row_id, station().id)
    if row is None:
        abort(404)
    return row


def _close(exc: BaseException | None) -> None:
    db = g.pop("db", None)
    if db is not None:
        if exc is not None:
            db.rollback()
        db.close()
