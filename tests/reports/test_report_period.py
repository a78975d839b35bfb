"""Periods: quarter strings, custom ranges, and which local date an airing belongs to."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest
from asrun_log import LogMaker

from broadcaster.db.models import AsRunStatus, Trigger
from broadcaster.reports import ReportError, build_report, date_range, parse_date, parse_quarter
from broadcaster.reports.aggregate import AsRunRow, StationInfo, aggregate
from broadcaster.reports.period import Period

UTC = timezone.utc


@pytest.mark.parametrize("text, first, last, number", [
    ("2024Q1", date(2024, 1, 1), date(2024, 3, 31), 1),
    ("2024-Q2", date(2024, 4, 1), date(2024, 6, 30), 2),
    ("Q3/2024", date(2024, 7, 1), date(2024, 9, 30), 3),
    (" q4-2024 ", date(2024, 10, 1), date(2024, 12, 31), 4),
    ("2024q1", date(2024, 1, 1), date(2024, 3, 31), 1),
])
def test_quarter_forms(text, first, last, number):
    period = parse_quarter(text)
    assert (period.start, period.end, period.quarter) == (first, last, number)


@pytest.mark.parametrize("text", ["2024Q5", "Q0/2024", "2024", "quý 1", "", "24Q1"])
def test_bad_quarter_says_which_forms_work(text):
    with pytest.raises(ReportError, match="2024Q1, 2024-Q1 hoặc Q1/2024"):
        parse_quarter(text)


def test_labels_in_words():
    assert parse_quarter("2024Q1").label_vi == "quý I năm 2024"
    assert parse_quarter("2024Q4").label_vi == "quý IV năm 2024"
    assert date_range(date(2024, 1, 1), date(2024, 2, 15)).label_vi == \
        "từ ngày 01/01/2024 đến ngày 15/02/2024"
    assert date_range(date(2024, 4, 1), date(2024, 6, 30)).label_vi == "quý II năm 2024"


def test_dates_and_reversed_range():
    assert parse_date("31/03/2024") == parse_date("2024-03-31") == date(2024, 3, 31)
    assert parse_date("31.03.2024") == parse_date("31-3-2024") == date(2024, 3, 31)
    for bad in ("31/02/2024", "2024/03/31", "quý 1", ""):
        with pytest.raises(ReportError, match="không hợp lệ"):
            parse_date(bad)
    with pytest.raises(ReportError, match="sau ngày kết thúc"):
        date_range(date(2024, 3, 1), date(2024, 2, 1))


def test_utc_bounds_are_local_midnights():
    low, high = parse_quarter("2024Q2").utc_bounds(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert low == datetime(2024, 3, 31, 17, 0, tzinfo=UTC)
    assert high == datetime(2024, 6, 30, 17, 0, tzinfo=UTC)


def _row(start: datetime, played_ms: int = 60_000, title: str = "Tin") -> AsRunRow:
    return AsRunRow(1, "item", "schedule", "PLAYED", "toi", 7, title, "cchc", "speech",
                    start, start.date(), played_ms, "")


@pytest.mark.parametrize("zone, last_evening, next_morning", [
    # Hanoi: 23:30 on 31/03 is 16:30 UTC; 00:30 on 01/04 is 17:30 UTC on 31/03.
    ("Asia/Ho_Chi_Minh", datetime(2024, 3, 31, 16, 30, tzinfo=UTC),
     datetime(2024, 3, 31, 17, 30, tzinfo=UTC)),
    # New York is on summer time (UTC-4) by the end of March 2024.
    ("America/New_York", datetime(2024, 4, 1, 3, 30, tzinfo=UTC),
     datetime(2024, 4, 1, 4, 30, tzinfo=UTC)),
])
def test_airing_belongs_to_its_local_start_date(zone, last_evening, next_morning):
    station = StationInfo(1, "s", "Đài", "Lệ Xá", "", "", zone)
    rows = [_row(last_evening, 60_000, "cuối quý"), _row(next_morning, 120_000, "đầu quý sau")]
    q1 = aggregate(rows, parse_quarter("2024Q1"), [station])
    q2 = aggregate(rows, parse_quarter("2024Q2"), [station])
    assert [a.title for a in q1.details] == ["cuối quý"]
    assert q1.details[0].day == date(2024, 3, 31) and q1.details[0].at == time(23, 30)
    assert [a.title for a in q2.details] == ["đầu quý sau"]
    assert q2.details[0].day == date(2024, 4, 1) and q2.details[0].at == time(0, 30)


def test_what_counts_as_an_airing():
    station = StationInfo(1, "s", "Đài", "Lệ Xá", "", "", "Asia/Ho_Chi_Minh")
    at = datetime(2024, 2, 1, 0, 0, tzinfo=UTC)
    base = _row(at)
    rows = [
        base,                                                   # PLAYED item: counts
        base._replace(status="PARTIAL", played_ms=30_000),      # PARTIAL with audio: counts
        base._replace(status="INTERRUPTED", played_ms=0),       # cut before any audio: no
        base._replace(status="FAILED", played_ms=5_000),        # FAILED: never an airing
        base._replace(status="MISSED", played_ms=0, start=None),
        base._replace(status="STARTED", played_ms=None),        # still open: no
        base._replace(kind="slot", status="PLAYED", played_ms=900_000),  # a slot's items count
        base._replace(kind="slot", trigger="emergency", status="EMERGENCY", bulletin_id=None,
                      source="file", slot_name="", played_ms=45_000),   # a played file: counts
    ]
    report = aggregate(rows, Period(date(2024, 1, 1), date(2024, 3, 31), 1), [station])
    assert report.airings == 3
    assert report.played_ms == 60_000 + 30_000 + 45_000
    assert report.bulletins == 2  # bulletin 7, and the file by its title
    assert [a.source for a in report.emergencies] == ["file"]
    assert report.problems == []  # only slot rows are problems; item rows follow their slot


def test_rows_without_any_time_fall_back_to_air_date():
    station = StationInfo(1, "s", "Đài", "Lệ Xá", "", "", "Asia/Ho_Chi_Minh")
    row = AsRunRow(1, "slot", "manual", "FAILED", "", None, "Phát tay", "", "file", None,
                   date(2024, 3, 31), 0, "không mở được tệp")
    report = aggregate([row], parse_quarter("2024Q1"), [station])
    assert [(p.day, p.at, p.reason) for p in report.problems] == \
        [(date(2024, 3, 31), None, "không mở được tệp")]
    assert aggregate([row], parse_quarter("2024Q2"), [station]).problems == []


def test_quarter_boundary_through_the_database(station_ctx):
    """23:30 local on 31/03 is in Q1; 00:30 local on 01/04 is not, though both are 31/03 in UTC."""
    with station_ctx.session() as session:
        station = station_ctx.station(session)
        maker = LogMaker(session, station, random.Random(1))
        maker.ensure_bulletins(3)
        for day, at in ((date(2024, 3, 31), time(23, 30)), (date(2024, 4, 1), time(0, 30))):
            start = maker.local(day, at)
            maker.add(kind="item", trigger=Trigger.SCHEDULE, status=AsRunStatus.PLAYED,
                      air_date=day, slot_name="khuya", bulletin_id=maker.bulletins[0].id,
                      title=f"Tin lúc {at:%H:%M}", topic_code="cchc", source="speech",
                      scheduled_at=start, started_at=start, ended_at=start, duration_ms=60_000,
                      played_ms=60_000)
        station_id = station.id
    with station_ctx.session() as session:
        q1 = build_report(session, parse_quarter("2024Q1"), [station_id])
        q2 = build_report(session, parse_quarter("2024Q2"), [station_id])
    assert [(a.day, a.title) for a in q1.details] == [(date(2024, 3, 31), "Tin lúc 23:30")]
    assert [(a.day, a.title) for a in q2.details] == [(date(2024, 4, 1), "Tin lúc 00:30")]
