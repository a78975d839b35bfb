"""The composition root: what the CLI, the web page and playout all stand on.

One `StationContext` per process opens a station home lazily: its settings, its folder layout
(`home`), its database (migrated on first use), sessions, the station row this process serves,
the station's reading policy, and its renderer (the audio behind planning's Renderer port).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from broadcaster.db import migrate
from broadcaster.db.engine import make_engine, make_sessionmaker
from broadcaster.db.models import Station
from broadcaster.errors import NotInitializedError
from broadcaster.home import Home
from broadcaster.reading import ReadingPolicy
from broadcaster.render import StationRenderer
from broadcaster.settings import Settings, load_settings
from broadcaster.station.reading import policy_of, reading_policy
from broadcaster.tts import SpeechChain


class StationContext:
    """A station home opened by one process (CLI command, web app or playout daemon)."""

    def __init__(self, home: str | os.PathLike | None = None):
        self._home = home

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self._home)

    @cached_property
    def home(self) -> Home:
        """Every path under the station home."""
        return Home(self.settings.home)

    @property
    def initialized(self) -> bool:
        """Whether the station home exists (an SQLite station keeps its database there)."""
        return not self.settings.database_url.startswith("sqlite") or self.home.root.is_dir()

    @cached_property
    def engine(self) -> Engine:
        """The database engine, migrated to the newest schema (migrations apply on start)."""
        if not self.initialized:
            raise NotInitializedError(f"chưa có thư mục đài {self.home.root}: "
                                      "hãy chạy 'broadcaster init' trước.")
        engine = make_engine(self.settings.database_url)
        if not migrate.is_current(engine):
            migrate.upgrade(engine)
        return engine

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        """Plain sessions (the web page opens one per request)."""
        return make_sessionmaker(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    def station(self, session: Session) -> Station:
        """The station this process serves (setting `station`)."""
        code = self.settings["station"]
        station = session.scalar(select(Station).where(Station.code == code))
        if station is None:
            raise NotInitializedError(f"chưa có đài mã '{code}' trong cơ sở dữ liệu: "
                                      "hãy chạy 'broadcaster init' trước.")
        return station

    def reading(self, session: Session | None = None) -> ReadingPolicy:
        """How the station reads text aloud: its lexicon and dialect.

        Without a session one is opened; a station not set up yet (no database) reads with the
        shipped lexicon alone, so `normalize` and `speak` work before `init`.
        """
        if session is not None:
            return reading_policy(session, self.station(session).id, self.settings)
        if not self._has_database():
            return policy_of({}, self.settings)
        try:
            with self.session() as opened:
                return reading_policy(opened, self.station(opened).id, self.settings)
        except NotInitializedError:
            return policy_of({}, self.settings)

    def renderer(self, session: Session, chain: SpeechChain | None = None) -> StationRenderer:
        """The station's clips and programmes, rendered in this session (planning's Renderer)."""
        return StationRenderer(session, self.station(session), self.settings, self.home,
                               self.reading(session), chain)

    def _has_database(self) -> bool:
        """False for an SQLite station whose database file was never made (nothing to read)."""
        url = self.settings.database_url
        return not url.startswith("sqlite:///") or Path(url.removeprefix("sqlite:///")).is_file()
