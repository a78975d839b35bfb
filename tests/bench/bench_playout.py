"""Benchmark: how late does the playout daemon start a slot? Run on demand, prints figures.

    python tests/bench/bench_playout.py [--starts 50] [--spacing 3] [--hold-lock 12]

Plants N one-second slots a few seconds apart in a temporary station, runs the real daemon
(APScheduler, ffmpeg, SQLite) with the air-check file output only, and reads each start's lateness
(actual start minus the slot instant) from the as-run log. Target: p99 under 50 ms.

With --hold-lock S another connection holds SQLite's write lock (BEGIN IMMEDIATE) for S seconds,
then lets go for 2 s, over and over, as a long render from the web page or the CLI would: starts
must stay on time, and every row must still be written once the lock is gone.
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from broadcaster.cli import cli
from broadcaster.station.context import StationContext
from broadcaster.db.models import AsRun, Bulletin, DayPlan, PlanItem, PlanStatus, SlotTemplate, Topic
from broadcaster.playout.asrun import lateness_ms
from broadcaster.playout.daemon import Daemon
from broadcaster.playout.programme import ffmpeg_exe

WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def plant(ctx: StationContext, home: Path, starts: int, spacing: int) -> datetime:
    """Write one programme and `starts` approved one-slot plans; return the last slot's instant."""
    programme = home / "programmes" / "bench.mp3"
    programme.parent.mkdir(parents=True)
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "sine=f=440:d=1:r=44100",
                    "-ac", "1", "-c:a", "libmp3lame", str(programme)], check=True)
    first = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=10)
    with ctx.session() as session:
        station = ctx.station(session)
        from zoneinfo import ZoneInfo
        zone = ZoneInfo(station.timezone)
        topic = session.scalars(select(Topic).where(Topic.station_id == station.id)).first()
        bulletin = Bulletin(station_id=station.id, title="Đo độ trễ", topic_id=topic.id)
        session.add(bulletin)
        session.flush()
        for index in range(starts):
            local = (first + timedelta(seconds=index * spacing)).astimezone(zone)
            slot = SlotTemplate(station_id=station.id, name=f"b{index:02d}", title=f"Đo {index}",
                                start_time=local.time(), length_seconds=spacing, weekdays=WEEK,
                                grace_seconds=1)
            session.add(slot)
            session.flush()
            plan = DayPlan(station_id=station.id, air_date=local.date(), slot_id=slot.id, version=1,
                           status=PlanStatus.APPROVED, content_hash=f"b{index}",
                           programme_path="programmes/bench.mp3", programme_duration_ms=1000,
                           decided_at=datetime.now(timezone.utc))
            plan.items.append(PlanItem(position=0, bulletin_id=bulletin.id, title="Đo độ trễ",
                                       offset_ms=0, duration_ms=1000))
            session.add(plan)
    return first + timedelta(seconds=(starts - 1) * spacing)


def hold_lock(db: Path, seconds: float, done: threading.Event,
              held: list[tuple[datetime, datetime]]) -> None:
    """Hold SQLite's write lock `seconds` at a time with 2 s gaps until `done`."""
    connection = sqlite3.connect(str(db), isolation_level=None, timeout=60)
    while not done.is_set():
        connection.execute("BEGIN IMMEDIATE")
        began = datetime.now(timezone.utc)
        done.wait(seconds)
        connection.execute("COMMIT")
        held.append((began, datetime.now(timezone.utc)))
        done.wait(2)
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=50)
    parser.add_argument("--spacing", type=int, default=3, help="seconds between slot starts")
    parser.add_argument("--hold-lock", type=float, default=0.0,
                        help="hold SQLite's write lock this many seconds at a time (0: never)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "station"
        result = CliRunner().invoke(cli, ["--home", str(home), "init"])
        assert result.exit_code == 0, result.output
        ctx = StationContext(str(home))
        last = plant(ctx, home, args.starts, args.spacing)
        daemon = Daemon(StationContext(str(home)), ["aircheck"])
        daemon.start()
        print(f"{args.starts} starts, {args.spacing} s apart, output: aircheck"
              + (f", write lock held {args.hold_lock:g} s of every {args.hold_lock + 2:g} s"
                 if args.hold_lock else "")
              + f"; running about {(last - datetime.now(timezone.utc)).total_seconds() + 5:.0f} s …",
              flush=True)
        done = threading.Event()
        held: list[tuple[datetime, datetime]] = []
        locker = threading.Thread(target=hold_lock, args=(home / "station.db", args.hold_lock, done, held),
                                  daemon=True)
        if args.hold_lock:
            locker.start()
        try:
            while datetime.now(timezone.utc) < last + timedelta(seconds=4):
                time.sleep(1)
        finally:
            done.set()
            if args.hold_lock:
                locker.join()
            daemon.stop()
        with ctx.session() as session:
            rows = session.scalars(select(AsRun).where(AsRun.kind == "slot")).all()
    if args.hold_lock:
        locked = [r for r in rows if any(a <= r.scheduled_at <= b for a, b in held)]
        print(f"starts while the write lock was held: {len(locked)}; rows still open after the "
              f"stop: {sum(1 for r in rows if r.ended_at is None)}")
    late = sorted(lateness_ms(r) for r in rows if r.status.value == "PLAYED")
    others = [f"{r.slot_name} {r.status.value} {r.error}" for r in rows if r.status.value != "PLAYED"]
    if not late:
        sys.exit("no slot played: " + "; ".join(others))
    p99 = late[min(len(late) - 1, round(0.99 * (len(late) - 1)))]
    print(f"played {len(late)}/{args.starts}; lateness ms: median {statistics.median(late):.1f}, "
          f"p99 {p99:.1f}, max {late[-1]:.1f}, min {late[0]:.1f}")
    for line in others:
        print("  not played:", line)
    print("target p99 < 50 ms:", "met" if p99 < 50 and len(late) == args.starts else "NOT met")


if __name__ == "__main__":
    main()
