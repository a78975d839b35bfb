"""The I/O edge of the reports: read only the as-run columns a report needs, streamed."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timezone
from typing import Iterator, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from broadcaster.db.models import AsRun, SlotTemplate, Station, Topic
from broadcaster.reports.aggregate import Report, StationInfo, aggregate
from broadcaster.reports.errors import ReportError
from broadcaster.reports.period import Period

CHUNK = 10_000
_START = func.coalesce(AsRun.started_at, AsRun.scheduled_at)  # UTCDateTime: binds are converted
# Selected raw (no per-row type processing, which costs more than the whole aggregation): enums as
# their stored text, times as SQLite's text or the driver's naive-UTC datetime, parsed in _rows().
_COLUMNS = (AsRun.station_id, AsRun.kind, type_coerce(AsRun.trigger, String),
            type_coerce(AsRun.status, String), AsRun.slot_name, AsRun.bulletin_id, AsRun.title,
            AsRun.topic_code, AsRun.source, type_coerce(_START, String),
            type_coerce(AsRun.air_date, String), AsRun.played_ms, AsRun.error)


def load_stations(session: Session, station_ids: Sequence[int] | None = None) -> list[StationInfo]:
    """The stations to report on: those listed, or every station when ``station_ids`` is None."""
    query = select(Station.id, Station.code, Station.name, Station.commune, Station.district,
                   Station.province, Station.timezone).order_by(Station.id)
    if station_ids is not None:
        query = query.where(Station.id.in_(list(station_ids)))
    stations = [StationInfo(*row) for row in session.execute(query)]
    if station_ids is not None and len(stations) != len(set(station_ids)):
        missing = sorted(set(station_ids) - {s.id for s in stations})
        raise ReportError(f"không có đài mang số {', '.join(map(str, missing))}.")
    return stations


def fetch_rows(session: Session, period: Period, stations: Sequence[StationInfo],
               all_stations: bool = False) -> Iterator[tuple]:
    """Yield as-run rows (AsRunRow order) that start inside ``period`` at their station.

    Each time zone gets its own UTC window; ``all_stations`` drops the station filter when the
    caller knows ``stations`` is every station (one scan, no IN list).
    """
    by_zone: dict[str, list[int]] = defaultdict(list)
    for station in stations:
        by_zone[station.timezone].append(station.id)
    if not by_zone:
        return
    windows = []
    for zone_name, ids in by_zone.items():
        low, high = period.utc_bounds(ZoneInfo(zone_name))
        in_window = or_(and_(_START >= low, _START < high),
                        and_(_START.is_(None), AsRun.air_date.between(period.start, period.end)))
        if all_stations and len(by_zone) == 1:
            windows.append(in_window)
        elif len(ids) == 1:
            windows.append(and_(AsRun.station_id == ids[0], in_window))
        else:
            windows.append(and_(AsRun.station_id.in_(ids), in_window))
    query = select(*_COLUMNS).where(or_(*windows))
    result = session.execute(query.execution_options(yield_per=CHUNK))
    for chunk in result.partitions():
        yield from _rows(chunk)


def _rows(chunk) -> Iterator[tuple]:
    """Give raw rows an aware UTC start and a date, whatever the driver returned."""
    parse_stamp, parse_date = datetime.fromisoformat, date.fromisoformat
    for row in chunk:
        start, air_date = row[9], row[10]
        if start is None:
            pass
        elif start.__class__ is str:  # SQLite: '2024-03-31 16:30:00.000000', naive UTC
            start = parse_stamp(start + "+00:00")
        else:  # a driver datetime, naive UTC as UTCDateTime stored it
            start = start.replace(tzinfo=timezone.utc)
        if air_date.__class__ is str:
            air_date = parse_date(air_date)
        yield (*row[:9], start, air_date, *row[11:])


def labels(session: Session, station_ids: Sequence[int]) -> tuple[dict[str, str], dict[str, str]]:
    """Topic names by code and slot titles by name (the first station's wording wins)."""
    topics: dict[str, str] = {}
    for code, name in session.execute(select(Topic.code, Topic.name)
                                      .where(Topic.station_id.in_(list(station_ids)))
                                      .order_by(Topic.station_id, Topic.sort_order, Topic.id)):
        topics.setdefault(code, name)
    slots: dict[str, str] = {}
    for name, title in session.execute(select(SlotTemplate.name, SlotTemplate.title)
                                       .where(SlotTemplate.station_id.in_(list(station_ids)))
                                       .order_by(SlotTemplate.station_id, SlotTemplate.start_time)):
        slots.setdefault(name, title)
    return topics, slots


def build_report(session: Session, period: Period, station_ids: Sequence[int] | None = None,
                 with_details: bool = True) -> Report:
    """Read and aggregate the as-run log of some stations (None: every station) for ``period``."""
    stations = load_stations(session, station_ids)
    ids = [s.id for s in stations]
    topic_names, slot_titles = labels(session, ids)
    rows = fetch_rows(session, period, stations, all_stations=station_ids is None)
    return aggregate(rows, period, stations, topic_names, slot_titles, with_details)
