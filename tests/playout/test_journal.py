"""The local journal: what it writes back after a crash, and what it leaves alone."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from broadcaster.db.models import AsRun, AsRunStatus, Trigger
from broadcaster.db.playout_models import PlayoutProgress
from broadcaster.playout import asrun
from broadcaster.playout.cues import ItemCue, resume_point
from broadcaster.playout.journal import Journal
from broadcaster.playout.reserve import HALF, KEEP_FREE, Page, Reserve

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


def _station_id(station_ctx) -> int:
    with station_ctx.session() as session:
        return station_ctx.station(session).id


def _restart(station_ctx, folder):
    """What the daemon does at start: the journal first, then closing crashed rows."""
    Journal(folder).recover(station_ctx.session, _station_id(station_ctx))
    with station_ctx.session() as session:
        return asrun.close_crashed_rows(session, _station_id(station_ctx), T0 + timedelta(minutes=1))


def _aired(folder, played_ms: int, started: bool = True) -> tuple[Journal, str]:
    journal = Journal(folder)
    key = journal.begin(SLOT, ITEMS, ["aircheck"], T0 - timedelta(seconds=1))
    if started:
        journal.update(key, 0, T0, started_at=T0)
        journal.update(key, played_ms, T0 + timedelta(milliseconds=played_ms))
    return journal, key


def test_a_killed_airing_without_a_row_is_written_back_with_its_items(station_ctx, tmp_path):
    _aired(tmp_path / "journal", 5000)  # item 1 whole, item 2 cut, item 3 not yet
    _restart(station_ctx, tmp_path / "journal")
    [slot] = _rows(station_ctx, kind="slot")
    assert slot.status is AsRunStatus.INTERRUPTED and slot.played_ms == 5000 and slot.started_at == T0
    assert slot.outputs == ["aircheck"] and slot.plan_version == 1 and slot.journal_key
    items = _rows(station_ctx, kind="item")
    assert [(i.title, i.status, i.played_ms) for i in items] == [
        ("Tin 0", AsRunStatus.PLAYED, 3000), ("Tin 1", AsRunStatus.INTERRUPTED, 1500)]
    assert all(i.parent_id == slot.id for i in items)
    assert Reserve(tmp_path / "journal").pages_in_use() == []


def test_an_airing_that_ended_keeps_its_outcome(station_ctx, tmp_path):
    journal, key = _aired(tmp_path / "journal", 9000)
    journal.finish(key, AsRunStatus.PLAYED, AsRunStatus.PARTIAL, "", 9500,
                   T0 + timedelta(milliseconds=9500), ["aircheck"])
    _restart(station_ctx, tmp_path / "journal")
    [slot] = _rows(station_ctx, kind="slot")
    assert (slot.status, slot.played_ms, slot.error) == (AsRunStatus.PLAYED, 9500, "")
    assert [i.status for i in _rows(station_ctx, kind="item")] == [AsRunStatus.PLAYED] * 3


def test_an_open_row_gets_the_journal_progress_outcome_and_missing_items(station_ctx, tmp_path):
    journal, key = _aired(tmp_path / "journal", 7000)
    journal.finish(key, AsRunStatus.INTERRUPTED, AsRunStatus.INTERRUPTED, "khẩn cấp", 7000,
                   T0 + timedelta(seconds=7), ["aircheck"])
    with station_ctx.session() as session:  # only the STARTED row got in, at 0 ms
        asrun.open_row(session, _station_id(station_ctx), SLOT, track_progress=True, journal_key=key)
    _restart(station_ctx, tmp_path / "journal")
    [slot] = _rows(station_ctx, kind="slot")
    assert (slot.status, slot.played_ms, slot.error, slot.started_at) == (
        AsRunStatus.INTERRUPTED, 7000, "khẩn cấp", T0)
    assert [(i.status, i.played_ms) for i in _rows(station_ctx, kind="item")] == [
        (AsRunStatus.PLAYED, 3000), (AsRunStatus.PLAYED, 3000), (AsRunStatus.INTERRUPTED, 500)]


def test_an_airing_whose_closing_row_got_in_is_left_alone(station_ctx, tmp_path):
    journal, key = _aired(tmp_path / "journal", 9000)
    with station_ctx.session() as session:
        asrun.closed_row(session, _station_id(station_ctx), SLOT, AsRunStatus.PLAYED, started_at=T0,
                         ended_at=T0 + timedelta(seconds=9), played_ms=9000, journal_key=key)
    _restart(station_ctx, tmp_path / "journal")
    assert len(_rows(station_ctx, kind="slot")) == 1 and _rows(station_ctx, kind="item") == []


def test_airings_are_written_back_in_the_order_they_began(station_ctx, tmp_path):
    folder = tmp_path / "journal"
    first = Journal(folder)
    for n in range(8):
        key = first.begin(SLOT, [], [], T0 + timedelta(seconds=n))
        first.update(key, 1000, T0 + timedelta(seconds=n, milliseconds=1000),
                     started_at=T0 + timedelta(seconds=n))
    _restart(station_ctx, folder)
    started = [r.started_at for r in _rows(station_ctx, kind="slot")]
    assert started == sorted(started) and len(started) == 8


def test_done_forgets_and_a_later_update_does_not_bring_it_back(tmp_path):
    journal = Journal(tmp_path / "journal")
    key = journal.begin(SLOT, ITEMS, [], T0)
    journal.done(key)
    journal.update(key, 2000, T0)  # the audio thread, a moment after the writer thread's done
    assert Reserve(tmp_path / "journal").pages_in_use() == []
    assert list((tmp_path / "journal").glob("*.jnl"))  # the page stays, free, for the next airing


def test_an_unreadable_or_rejected_entry_is_set_aside_not_fatal(station_ctx, tmp_path):
    folder = tmp_path / "journal"
    folder.mkdir()
    (folder / "20261127T230000000000-hong.json").write_text("{ nửa chừng", encoding="utf-8")
    _aired(folder, 1000)
    [page] = Reserve(folder).pages_in_use()
    page.write({**page.record, "slot": {**page.record["slot"], "trigger": "?"}})
    _restart(station_ctx, folder)
    assert sorted(p.name for p in folder.glob("*.bad")) == [
        "20261127T230000000000-hong.bad", page.path.with_suffix(".bad").name]
    assert _rows(station_ctx) == []
    assert len(Reserve(folder).pages_in_use()) == 0 and len(list(folder.glob("*.jnl"))) == KEEP_FREE


def test_a_torn_write_keeps_the_record_before_it(tmp_path):
    page = Page.make(tmp_path / "page-0000.jnl")
    page.write({"played_ms": 1000})
    page.write({"played_ms": 2000})
    assert Page(page.path).record == {"played_ms": 2000}
    with open(page.path, "r+b") as handle:  # the next write goes over the older half: cut
        handle.seek(HALF + 20)                # half-way by a power loss, it spoils that half only
        handle.write(b"\x00" * 40)
    assert Page(page.path).record == {"played_ms": 2000}
    with open(page.path, "r+b") as handle:  # and a spoilt newest half falls back to the older one
        handle.seek(HALF)
        handle.write(Page.make(tmp_path / "other.jnl").path.read_bytes()[:HALF])  # blank again
    page = Page(page.path)
    page.write({"played_ms": 3000})  # goes to the blank half
    with open(page.path, "r+b") as handle:
        handle.seek(HALF + 20)
        handle.write(b"\x00" * 40)
    assert Page(page.path).record == {"played_ms": 2000}


def test_a_written_back_airing_from_a_journal_before_pages_is_still_applied(station_ctx, tmp_path):
    folder = tmp_path / "journal"
    folder.mkdir()
    _aired(tmp_path / "new", 5000)
    [page] = Reserve(tmp_path / "new").pages_in_use()
    (folder / f"{page.record['key']}.json").write_text(json.dumps(page.record), encoding="utf-8")
    _restart(station_ctx, folder)
    [slot] = _rows(station_ctx, kind="slot")
    assert slot.played_ms == 5000 and not list(folder.glob("*.json"))


def test_progress_markers_follow_the_journal(station_ctx, tmp_path):
    journal, key = _aired(tmp_path / "journal", 4000)
    with station_ctx.session() as session:
        row_id = asrun.open_row(session, _station_id(station_ctx), SLOT, started_at=T0,
                                track_progress=True, journal_key=key)
    Journal(tmp_path / "journal").recover(station_ctx.session, _station_id(station_ctx))
    with station_ctx.session() as session:
        assert session.get(PlayoutProgress, row_id).played_ms == 4000


def test_an_airing_the_journal_could_not_keep_is_resumed_past_all_it_may_have_aired(station_ctx):
    """No journal entry for an open row with a journal key: the journal had no space, so its
    progress marker may be stale; a resume must not air again what may have aired in full."""
    with station_ctx.session() as session:
        row_id = asrun.open_row(session, _station_id(station_ctx), SLOT, started_at=T0,
                                track_progress=True, journal_key="khong-co-trong-so")
        asrun.progress(session, row_id, 20_000, T0 + timedelta(seconds=20))
    with station_ctx.session() as session:
        [cut] = asrun.close_crashed_rows(session, _station_id(station_ctx),
                                         T0 + timedelta(seconds=143), journaled=set())
    assert cut.position_ms == 20_000 and cut.resume_from_ms == 143_000
    [row] = _rows(station_ctx, kind="slot")
    assert row.played_ms == 20_000 and "có thể đã phát đến giây 143.0" in row.error


def test_an_airing_the_journal_kept_resumes_where_its_record_says(station_ctx):
    with station_ctx.session() as session:
        row_id = asrun.open_row(session, _station_id(station_ctx), SLOT, started_at=T0,
                                track_progress=True, journal_key="co-trong-so")
        asrun.progress(session, row_id, 20_000, T0 + timedelta(seconds=20))
    with station_ctx.session() as session:
        [cut] = asrun.close_crashed_rows(session, _station_id(station_ctx),
                                         T0 + timedelta(seconds=143), journaled={"co-trong-so"})
    assert cut.position_ms == cut.resume_from_ms == 20_000


def test_a_crash_just_after_an_item_ended_resumes_past_it(station_ctx):
    """The progress marker moves once a second: an item already closed PLAYED is not aired again."""
    with station_ctx.session() as session:
        row_id = asrun.open_row(session, _station_id(station_ctx), SLOT, started_at=T0,
                                track_progress=True)
        asrun.progress(session, row_id, 3100, T0 + timedelta(milliseconds=3100))
        first = ITEMS[0]  # 500..3500
        asrun.closed_row(session, _station_id(station_ctx), replace(first, parent_id=row_id),
                         AsRunStatus.PLAYED, started_at=T0 + timedelta(milliseconds=500),
                         ended_at=T0 + timedelta(milliseconds=3500), played_ms=3000)
    with station_ctx.session() as session:
        [cut] = asrun.close_crashed_rows(session, _station_id(station_ctx), T0 + timedelta(seconds=9))
    cues = [ItemCue(None, i.title, "", "", i.offset_ms, i.duration_ms) for i in ITEMS]
    assert cut.position_ms == 3500 and resume_point(cues, cut.position_ms) == 3500
