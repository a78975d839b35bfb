"""Planning renders everything before it writes: the playout daemon can log while speech runs."""

import sqlite3
from datetime import date

from broadcaster.planning.day import plan_day
from broadcaster.render import StationRenderer

SCRIPT = """---
title: Tin {n}
topic: thong-bao
priority: thường
---
Thôn {n} họp lúc 8h30 ngày 2/3/2024.
"""


def _writable(db_path) -> bool:
    """Try to take SQLite's write lock from another connection, without waiting."""
    connection = sqlite3.connect(db_path, timeout=0)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.rollback()
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        connection.close()


class WatchedRenderer(StationRenderer):
    """The real renderer, noting whether the database was writable by others at each slow step."""

    checks: list[bool]

    def bulletin_clip(self, bulletin, *, render=True):
        self.checks.append(_writable(self.settings.home / "station.db"))
        return super().bulletin_clip(bulletin, render=render)

    def render_parts(self, *args, **kwargs):
        self.checks.append(_writable(self.settings.home / "station.db"))
        return super().render_parts(*args, **kwargs)


def test_no_write_lock_is_held_while_speech_and_programmes_render(invoke, station_ctx, tmp_path):
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    for n in (1, 2, 3):
        (scripts / f"tin-{n}.txt").write_text(SCRIPT.format(n=n), encoding="utf-8")
    assert invoke("import", str(scripts)).exit_code == 0
    with station_ctx.session() as session:
        station = station_ctx.station(session)
        renderer = WatchedRenderer(session, station, station_ctx.settings, station_ctx.home,
                                   station_ctx.reading(session))
        renderer.checks = []
        outcomes = plan_day(session, station, date(2024, 3, 1), renderer, "test")
        assert [o.created for o in outcomes] == [True, True]
        assert len(renderer.checks) >= 5 and all(renderer.checks)
        assert not _writable(station_ctx.settings.home / "station.db")  # the short final write
    assert _writable(station_ctx.settings.home / "station.db")
