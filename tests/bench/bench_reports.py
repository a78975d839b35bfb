"""Benchmark the quarterly report: one station-year and a province-year (100 stations).

Run on demand: ``python tests/bench/bench_reports.py [--stations 100] [--keep DIR]``.
Generation time is not counted. Targets: one station-year report under 1 s, the whole province
under 15 s (aggregation from the SQLite file; file rendering is timed and printed separately).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from broadcaster.db import migrate
from broadcaster.db.engine import make_engine, make_sessionmaker
from broadcaster.reports import build_report, render
from broadcaster.reports.period import Period
from broadcaster.station.topics import DEFAULT_TOPICS

YEAR = 2024
SLOTS = (("sang", "Buổi sáng", 6, 0), ("chieu", "Buổi chiều", 17, 0))
ITEMS_PER_SLOT = 10           # 2 slots x 10 items x 366 days ~ 7,300 airings per station-year
TZ_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh has no DST
STAMP = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores DateTime in SQLite


def generate(path: Path, stations: int, seed: int = 7) -> int:
    """Create a migrated SQLite file holding ``stations`` station-years of as-run rows."""
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    rng = random.Random(seed)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    now = datetime.now(timezone.utc).strftime(STAMP)
    db.executemany(
        "INSERT INTO station (id, code, name, commune, district, province, timezone, ident_text, "
        "closing_text, created_at) VALUES (?, ?, ?, ?, '', 'Hưng Yên', 'Asia/Ho_Chi_Minh', '', '', ?)",
        [(i, f"xa-{i}", f"Đài truyền thanh xã Số {i}", f"Số {i}", now) for i in range(1, stations + 1)])
    db.executemany(
        "INSERT INTO topic (station_id, code, name, sort_order, active) VALUES (?, ?, ?, ?, 1)",
        [(s, code, name, n) for s in range(1, stations + 1)
         for n, (code, name) in enumerate(DEFAULT_TOPICS)])
    db.executemany(
        "INSERT INTO slot_template (station_id, name, title, start_time, length_seconds, weekdays, "
        "grace_seconds, active) VALUES (?, ?, ?, ?, 1800, '[]', 600, 1)",
        [(s, name, title, f"{h:02d}:{m:02d}:00.000000") for s in range(1, stations + 1)
         for name, title, h, m in SLOTS])
    topics = [code for code, _ in DEFAULT_TOPICS]
    sources = ("speech",) * 4 + ("recording",)
    next_id = 1
    total = 0
    for station in range(1, stations + 1):
        rows = []
        day = date(YEAR, 1, 1)
        while day.year == YEAR:
            for slot, _title, hour, minute in SLOTS:
                local = datetime(day.year, day.month, day.day, hour, minute)
                start = (local - TZ_OFFSET)
                missed = rng.random() < 0.01
                slot_id = next_id
                next_id += 1
                rows.append((slot_id, station, "slot", None, "schedule",
                             "MISSED" if missed else "PLAYED", day.isoformat(), slot, None, "", "",
                             "", start.strftime(STAMP), None if missed else start.strftime(STAMP),
                             None if missed else (start + timedelta(minutes=25)).strftime(STAMP),
                             1_500_000, None if missed else 1_500_000,
                             "máy phát khởi động lại" if missed else "", now))
                if missed:
                    continue
                offset = 30_000
                for _ in range(ITEMS_PER_SLOT):
                    bulletin = rng.randrange(1, 200)
                    length = rng.randrange(60_000, 240_000)
                    at = start + timedelta(milliseconds=offset)
                    rows.append((next_id, station, "item", slot_id, "schedule", "PLAYED",
                                 day.isoformat(), slot, None, f"Bản tin số {bulletin}",
                                 rng.choice(topics), rng.choice(sources), at.strftime(STAMP),
                                 at.strftime(STAMP),
                                 (at + timedelta(milliseconds=length)).strftime(STAMP),
                                 length, length, "", now))
                    next_id += 1
                    offset += length + 2_000
                    total += 1
            day += timedelta(days=1)
        db.executemany(
            "INSERT INTO as_run (id, station_id, kind, parent_id, trigger, status, air_date, "
            "slot_name, bulletin_id, title, topic_code, source, scheduled_at, started_at, ended_at, "
            "duration_ms, played_ms, outputs, operator, error, content_hash, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', '', ?, '', ?)", rows)
    db.commit()
    db.close()
    return total


def timed(label: str, target: float | None, action):
    began = time.perf_counter()
    value = action()
    took = time.perf_counter() - began
    verdict = "" if target is None else (f"  target {target:g} s: {'MET' if took <= target else 'MISSED'}")
    print(f"{label:<58} {took:7.3f} s{verdict}")
    return value, took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stations", type=int, default=100)
    parser.add_argument("--keep", help="folder to keep the generated database and files in")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="bench-reports-"))
    folder.mkdir(parents=True, exist_ok=True)
    year = Period(date(YEAR, 1, 1), date(YEAR, 12, 31))
    met = True

    one = folder / "one-station.db"
    one.unlink(missing_ok=True)
    airings = generate(one, 1)
    print(f"one station-year: {airings:,} airings generated in {one}")
    sessions = make_sessionmaker(make_engine(f"sqlite:///{one}"))
    with sessions() as session:
        report, took = timed("one station, one year: aggregate", 1.0,
                             lambda: build_report(session, year, [1]))
        met &= took <= 1.0
        assert report.airings == airings, (report.airings, airings)
        for fmt in ("xlsx", "csv", "docx"):
            timed(f"one station, one year: render {fmt}", None,
                  lambda: (folder / f"one.{fmt}").write_bytes(render(report, fmt)))

    province = folder / "province.db"
    province.unlink(missing_ok=True)
    began = time.perf_counter()
    airings = generate(province, args.stations)
    print(f"province-year: {args.stations} stations, {airings:,} airings generated in "
          f"{time.perf_counter() - began:.1f} s (not counted), {province.stat().st_size / 1e6:.0f} MB")
    sessions = make_sessionmaker(make_engine(f"sqlite:///{province}"))
    with sessions() as session:
        report, took = timed("province db, one station, one year: aggregate", 1.0,
                             lambda: build_report(session, year, [args.stations // 2]))
        met &= took <= 1.0
        report, took = timed("province db, all stations, one year: aggregate (summary)", 15.0,
                             lambda: build_report(session, year, None, with_details=False))
        met &= took <= 15.0
        assert report.airings == airings, (report.airings, airings)
        report, took = timed("province db, all stations, one year: aggregate + detail list", 15.0,
                             lambda: build_report(session, year, None))
        met &= took <= 15.0
        timed("province db, all stations: render csv (detail list)", None,
              lambda: (folder / "province.csv").write_bytes(render(report, "csv")))
        timed("province db, all stations: render xlsx (detail list)", None,
              lambda: (folder / "province.xlsx").write_bytes(render(report, "xlsx")))
    print("all targets met" if met else "SOME TARGETS MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
