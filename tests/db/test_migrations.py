from datetime import date, datetime, timezone

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from broadcaster.db.engine import make_engine, make_sessionmaker
from broadcaster.errors import ConfigError
from broadcaster.db.migrate import alembic_config, is_current, upgrade
from broadcaster.db.base import Base
from broadcaster.db.models import AsRun, AsRunStatus, AuditEvent, Station, Trigger

# Tables owned through a parent row that carries the station id.
CHILD_TABLES = {"user_role": "user", "plan_item": "day_plan"}


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """Every test here runs on SQLite (the default) and on a real PostgreSQL server."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_upgrade_from_empty_to_head_matches_the_models(engine):
    assert not is_current(engine)
    upgrade(engine)
    assert is_current(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                Base.metadata)
    assert diff == []


def test_downgrade_to_base_and_back(engine):
    upgrade(engine)
    command.downgrade(alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert "as_run" in inspect(engine).get_table_names()


def test_0006_gives_existing_plan_items_their_bulletins_topic_and_source(engine):
    upgrade(engine, "0005")
    with engine.begin() as c:
        c.execute(text("INSERT INTO station (id, code, name, commune, district, province, timezone, "
                       "ident_text, closing_text, created_at) VALUES (1, 's', 'Đài', 'Lệ Xá', '', "
                       "'Hưng Yên', 'Asia/Ho_Chi_Minh', '', '', :t)"), {"t": datetime.now()})
        c.execute(text("INSERT INTO topic (id, station_id, code, name, sort_order, active) "
                       "VALUES (1, 1, 'cchc', 'Cải cách hành chính', 0, :yes)"), {"yes": True})
        for bulletin_id, kind in ((1, "text"), (2, "recording")):
            c.execute(text("INSERT INTO bulletin (id, station_id, title, topic_id, kind, body, "
                           "priority, slots, weekdays, repeat_kind, status, sort_order, created_at, "
                           "updated_at) VALUES (:id, 1, 'Tin', 1, :kind, '', 'normal', '[]', '[]', "
                           "'every-slot', 'active', 0, :t, :t)"),
                      {"id": bulletin_id, "kind": kind, "t": datetime.now()})
        c.execute(text("INSERT INTO slot_template (id, station_id, name, title, start_time, "
                       "length_seconds, weekdays, grace_seconds, active) VALUES (1, 1, 'sang', "
                       "'Buổi sáng', '06:00:00', 1800, '[]', 60, :yes)"), {"yes": True})
        c.execute(text("INSERT INTO day_plan (id, station_id, air_date, slot_id, version, status, "
                       "content_hash, warnings, created_at, decision_comment, carried_out) VALUES "
                       "(1, 1, '2024-03-01', 1, 1, 'approved', 'h', '[]', :t, '', '[]')"),
                  {"t": datetime.now()})
        for position, bulletin_id in enumerate((1, 2)):
            c.execute(text("INSERT INTO plan_item (plan_id, position, bulletin_id, title) "
                           "VALUES (1, :p, :b, 'Tin')"), {"p": position, "b": bulletin_id})
    upgrade(engine)
    with engine.connect() as c:
        rows = c.execute(text("SELECT bulletin_id, topic_code, source FROM plan_item "
                              "ORDER BY position")).all()
    assert [tuple(r) for r in rows] == [(1, "cchc", "speech"), (2, "cchc", "recording")]


def test_every_station_owned_table_has_a_station_id(engine):
    upgrade(engine)
    inspector = inspect(engine)
    for table in Base.metadata.tables:
        columns = {c["name"] for c in inspector.get_columns(table)}
        if table == "station":
            continue
        if table in CHILD_TABLES:
            referred = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
            assert CHILD_TABLES[table] in referred
        else:
            assert "station_id" in columns, table


def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    engine.dispose()


def _station(session) -> Station:
    station = Station(code="s", name="Đài", commune="Lệ Xá", province="Hưng Yên",
                      ident_text="Đây là...", closing_text="Hết.")
    session.add(station)
    session.flush()
    return station


def test_as_run_is_append_only_and_closes_once(engine):
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    now = datetime(2024, 3, 1, 23, 0, tzinfo=timezone.utc)
    with sessions() as session:
        station = _station(session)
        row = AsRun(station_id=station.id, kind="slot", trigger=Trigger.SCHEDULE,
                    status=AsRunStatus.STARTED, air_date=date(2024, 3, 2), started_at=now)
        session.add(row)
        session.commit()
        row.status, row.ended_at = AsRunStatus.PLAYED, now  # closing an open row is allowed
        session.commit()
        row.status = AsRunStatus.FAILED
        with pytest.raises(DatabaseError, match="closed"):
            session.commit()
        session.rollback()
        session.delete(session.get(AsRun, row.id))
        with pytest.raises(DatabaseError, match="append-only"):
            session.commit()


def test_audit_events_cannot_be_changed_or_deleted(engine):
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        station = _station(session)
        event = AuditEvent(station_id=station.id, actor="admin", action="plan.approve",
                           object_type="day_plan", object_id=1)
        session.add(event)
        session.commit()
        event.comment = "sửa lại"
        with pytest.raises(DatabaseError, match="append-only"):
            session.commit()
        session.rollback()
        session.delete(event)
        with pytest.raises(DatabaseError, match="append-only"):
            session.commit()


def test_datetimes_come_back_aware_in_utc(engine):
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        station = _station(session)
        session.commit()
        session.expire_all()
        assert session.get(Station, station.id).created_at.tzinfo == timezone.utc


@pytest.mark.parametrize("url, said", [
    ("postgresql+pg8000://radio:x@localhost/radio", "cần thư viện pg8000"),
    ("khong-phai-dia-chi", "không phải địa chỉ cơ sở dữ liệu hợp lệ"),
])
def test_a_database_url_that_cannot_work_is_one_clear_line(url, said):
    with pytest.raises(ConfigError, match=said):
        make_engine(url)
