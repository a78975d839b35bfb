"""The local journal: what it writes back after a crash, and what it leaves alone."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from broadcaster.db.models import AsRun, AsRunStatus, Trigger
from broadcaster.playout import asrun
from broadcaster.playout.journal import Journal

T0 = datetime(2026, 11, 27, 23, 0, tzinfo=timezone.utc)
SLOT = asrun.RowFacts(kind="slot", trigger=Trigger.SCHEDULE, air_date=date(2026, 11, 28), slot_name="sang",
                      title="Buổi sáng", plan_id=None, plan_version=1, scheduled_at=T0, offset_ms=0)
ITEMS = [asrun.RowFacts(kind="item", trigger=Trigger.SCHEDULE, air_date=date(2026, 11, 28),
                        slot_name="sang", title=f"Tin {n}", offset_ms=500 + n * 3000, duration_ms=3000)
         for n in range(3)]


def _rows(station_ctx, **where):
    with station_ctx.session() as session:
        query = select(AsRun).order_by(AsRun.id)
        for key, value in where.items():
            query = query.where(getattr(AsRun, key) == value)
        return list(session.scalars(query))


def _recover(station_ctx, journal):
    with station_ctx.session() as session:
        station_id = station_ctx.station(session).id
        done = journal.recover(session, station_id)
    journal.forget(done)
    with station_ctx.session() as session:
        return asrun.close_crashed_rows(session, station_id, T0 + timedelta(minutes=1))


def test_an_airing_without_a_row_is_written_back_with_its_items(station_ctx, tmp_path):
    journal = Journal(tmp_path / "journal")
    key = journal.begin(SLOT, ITEMS, ["aircheck"], T0 - timedelta(seconds=1))
    journal.update(key, 0, T0, started_at=T0)
    journal.update(key, 5000, T0 + timedelta(seconds=5))  # item 1 whole, item 2 cut, item 3 not yet
    _recover(station_ctx, Journal(tmp_path / "journal"))  # a new process reads the folder
    [slot] = _rows(station_ctx, kind="slot")
    assert slot.status is AsRunStatus.INTERRUPTED and slot.played_ms == 5000 and slot.started_at == T0
    assert slot.outputs == ["aircheck"] and slot.plan_version == 1
    items = _rows(station_ctx, kind="item")
    assert [(i.title, i.status, i.played_ms) for i in items] == [
        ("Tin 0", AsRunStatus.PLAYED, 3000), ("Tin 1", AsRunStatus.INTERRUPTED, 1500)]
    assert all(i.parent_id == slot.id for i in items)
    assert not list((tmp_path / "journal").glob("*.json"))


def test_an_airing_whose_row_got_in_is_not_written_twice(station_ctx, tmp_path):
    journal = Journal(tmp_path / "journal")
    journal.begin(SLOT, ITEMS, ["aircheck"], datetime.now(timezone.utc))
    with station_ctx.session() as session:  # the row landed, the process died before forgetting
        asrun.open_row(session, station_ctx.station(session).id, SLOT, started_at=T0, track_progress=True)
    _recover(station_ctx, Journal(tmp_path / "journal"))
    assert len(_rows(station_ctx, kind="slot")) == 1


def test_done_forgets_and_a_later_update_does_not_bring_it_back(tmp_path):
    journal = Journal(tmp_path / "journal")
    key = journal.begin(SLOT, ITEMS, [], T0)
    journal.done(key)
    journal.update(key, 2000, T0)  # the audio thread, a moment after the writer thread's done
    assert not list((tmp_path / "journal").glob("*"))


def test_an_unreadable_entry_is_set_aside_not_fatal(station_ctx, tmp_path):
    folder = tmp_path / "journal"
    folder.mkdir()
    (folder / "hong.json").write_text("{ nửa chừng", encoding="utf-8")
    assert _recover(station_ctx, Journal(folder)) == []
    assert (folder / "hong.bad").exists() and _rows(station_ctx) == []
