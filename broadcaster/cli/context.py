"""What every command shares: the station home, its settings and its database, opened lazily."""

from __future__ import annotations

from contextlib import contextmanager
from functools import cached_property
from typing import Iterator

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from broadcaster.db import migrate
from broadcaster.db.engine import make_engine, make_sessionmaker
from broadcaster.db.models import LexiconEntry, Station
from broadcaster.errors import NotInitializedError
from broadcaster.settings import Settings, load_settings


class StationContext:
    def __init__(self, home: str | None):
        self._home = home

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self._home)

    @cached_property
    def engine(self) -> Engine:
        """The database engine, migrated to the newest schema (migrations apply on start)."""
        if self.settings.database_url.startswith("sqlite") and not self.settings.home.is_dir():
            raise NotInitializedError(f"chưa có thư mục đài {self.settings.home}: "
                                      "hãy chạy 'broadcaster init' trước.")
        engine = make_engine(self.settings.database_url)
        if not migrate.is_current(engine):
            migrate.upgrade(engine)
        return engine

    @cached_property
    def _sessions(self) -> sessionmaker[Session]:
        return make_sessionmaker(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def station(self, session: Session) -> Station:
        """The station this process serves (setting `station`)."""
        code = self.settings["station"]
        station = session.scalar(select(Station).where(Station.code == code))
        if station is None:
            raise NotInitializedError(f"chưa có đài mã '{code}' trong cơ sở dữ liệu: "
                                      "hãy chạy 'broadcaster init' trước.")
        return station

    def lexicon_entries(self) -> dict[str, str]:
        """The station's own pronunciation entries; empty when the station is not set up."""
        try:
            with self.session() as session:
                station = self.station(session)
                rows = session.execute(select(LexiconEntry.term, LexiconEntry.reading)
                                       .where(LexiconEntry.station_id == station.id))
                return dict(rows.all())
        except NotInitializedError:
            return {}
