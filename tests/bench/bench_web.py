"""Benchmark the web pages people open most: the dashboard and the day playlist, on a big station.

Run on demand: ``python tests/bench/bench_web.py [--requests 100] [--keep DIR] [--no-waitress]``.
The station holds 10,000 bulletins, a year of plans (2 slots a day, 10 items each) and a year of
as-run rows (a slot row and 10 item rows per slot). Each page is requested N times through the
Flask test client, then through waitress over HTTP; p50 and p95 are printed. Target: p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from broadcaster.station.context import StationContext
from broadcaster.db.models import (AsRun, AsRunStatus, Bulletin, DayPlan, PlanItem, PlanStatus,
                                   Priority, SlotTemplate, Topic, Trigger, User)
from broadcaster.db.playout_models import PlayoutHeartbeat

BULLETINS = 10_000
DAYS = 365
ITEMS = 10
PASSWORD = "bench-password-1"
PAGES = ("/", "/ke-hoach", "/ke-hoach?ngay={yesterday}", "/ban-tin", "/ban-tin?q=ph%C3%B2ng",
         "/nhat-ky", "/nhat-ky?tu={year_ago}&den={today}")


def build_station(home: Path) -> None:
    subprocess.run([sys.executable, "-m", "broadcaster", "--home", str(home), "init"], check=True,
                   capture_output=True)
    ctx = StationContext(str(home))
    rng = random.Random(8)
    with ctx.session() as session:
        station = ctx.station(session)
        zone = ZoneInfo(station.timezone)
        today = datetime.now(zone).date()
        session.scalar(select(User).where(User.username == "admin")).password_hash = \
            generate_password_hash(PASSWORD)
        topics = list(session.scalars(select(Topic).where(Topic.station_id == station.id)))
        slots = list(session.scalars(select(SlotTemplate).where(SlotTemplate.station_id == station.id)))
        words = "thông báo tiêm phòng họp dân thu thuế phòng chống bão lũ dịch vụ công".split()
        session.execute(insert(Bulletin), [dict(
            station_id=station.id, title=f"Bản tin {n}: {' '.join(rng.sample(words, 4))}",
            topic_id=rng.choice(topics).id, body=" ".join(rng.choices(words, k=120)),
            priority=rng.choice([Priority.NORMAL] * 8 + [Priority.PRIORITY, Priority.EMERGENCY]),
            valid_from=today - timedelta(days=rng.randrange(400)),
            valid_until=today + timedelta(days=rng.randrange(-200, 200)), slots=[], weekdays=[])
            for n in range(BULLETINS)])
        bulletin_ids = list(session.scalars(select(Bulletin.id)))
        now = datetime.now(timezone.utc)
        plans, asrun_slots = [], []
        for back in range(DAYS, -1, -1):
            day = today - timedelta(days=back)
            for slot in slots:
                plans.append(dict(station_id=station.id, air_date=day, slot_id=slot.id, version=1,
                                  status=PlanStatus.APPROVED, content_hash="0" * 64, warnings=[],
                                  programme_path=f"programmes/{day}/{slot.name}-v1.mp3",
                                  programme_duration_ms=ITEMS * 95_000, decided_by_id=1,
                                  decided_at=now))
        session.execute(insert(DayPlan), plans)
        plan_rows = session.execute(select(DayPlan.id, DayPlan.air_date, DayPlan.slot_id)).all()
        session.execute(insert(PlanItem), [dict(
            plan_id=plan_id, position=n, bulletin_id=rng.choice(bulletin_ids),
            title=f"Bản tin {n}", duration_ms=90_000, offset_ms=10_000 + n * 95_000)
            for plan_id, _, _ in plan_rows for n in range(ITEMS)])
        slot_names = {s.id: s for s in slots}
        for plan_id, day, slot_id in plan_rows:
            slot = slot_names[slot_id]
            start = datetime.combine(day, slot.start_time, tzinfo=zone).astimezone(timezone.utc)
            if start > now:
                continue
            asrun_slots.append(dict(
                station_id=station.id, kind="slot", trigger=Trigger.SCHEDULE,
                status=rng.choice([AsRunStatus.PLAYED] * 20 + [AsRunStatus.MISSED]), plan_id=plan_id,
                plan_version=1, air_date=day, slot_name=slot.name, title=slot.title,
                scheduled_at=start, started_at=start, ended_at=start + timedelta(minutes=16),
                played_ms=ITEMS * 95_000, outputs=["device"]))
        session.execute(insert(AsRun), asrun_slots)
        parents = session.execute(select(AsRun.id, AsRun.air_date, AsRun.started_at)
                                  .where(AsRun.kind == "slot")).all()
        session.execute(insert(AsRun), [dict(
            station_id=station.id, kind="item", parent_id=parent, trigger=Trigger.SCHEDULE,
            status=AsRunStatus.PLAYED, air_date=day, slot_name="sang", title=f"Bản tin {n}",
            topic_code=rng.choice(topics).code, source="speech",
            scheduled_at=started + timedelta(seconds=10 + 95 * n),
            started_at=started + timedelta(seconds=10 + 95 * n),
            ended_at=started + timedelta(seconds=100 + 95 * n), offset_ms=10_000 + 95_000 * n,
            duration_ms=90_000, played_ms=90_000) for parent, day, started in parents
            for n in range(ITEMS)])
        session.add(PlayoutHeartbeat(station_id=station.id, pid=1, host="bench", started_at=now,
                                     seen_at=now + timedelta(days=1), state={"playing": None}))
        counts = [session.scalar(select(func.count(m.id))) for m in (Bulletin, DayPlan, PlanItem, AsRun)]
    print(f"station: {counts[0]:,} bulletins, {counts[1]:,} plans, {counts[2]:,} plan items, "
          f"{counts[3]:,} as-run rows")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)]


def urls(home: Path) -> list[str]:
    ctx = StationContext(str(home))
    with ctx.session() as session:
        today = datetime.now(ZoneInfo(ctx.station(session).timezone)).date()
    return [page.format(today=today, yesterday=today - timedelta(days=1),
                        year_ago=today - timedelta(days=DAYS)) for page in PAGES]


def bench_test_client(home: Path, count: int) -> None:
    from web import create_app

    app = create_app(StationContext(str(home)), {"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    assert client.post("/dang-nhap", data={"username": "admin", "password": PASSWORD}).status_code == 302
    print(f"\nFlask test client, {count} requests per page (ms):")
    for url in urls(home):
        for _ in range(3):
            client.get(url)
        samples = []
        for _ in range(count):
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        p50, p95 = percentiles(samples)
        print(f"  {url:<45} p50 {p50:7.1f}   p95 {p95:7.1f}   {'ok' if p95 < 100 else 'SLOW'}")


def bench_waitress(home: Path, count: int) -> None:
    import waitress

    from web import create_app

    app = create_app(StationContext(str(home)), {"WTF_CSRF_ENABLED": False})
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = waitress.create_server(app, host="127.0.0.1", port=port, threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(base + "/dang-nhap", data=f"username=admin&password={PASSWORD}".encode()).read()
    print(f"\nwaitress over HTTP, {count} requests per page (ms):")
    for url in urls(home):
        for _ in range(3):
            opener.open(base + url).read()
        samples = []
        for _ in range(count):
            started = time.perf_counter()
            opener.open(base + url).read()
            samples.append((time.perf_counter() - started) * 1000)
        p50, p95 = percentiles(samples)
        print(f"  {url:<45} p50 {p50:7.1f}   p95 {p95:7.1f}   {'ok' if p95 < 100 else 'SLOW'}")
    # The server thread is a daemon: it ends with the process (closing it under a live channel
    # makes waitress log a harmless error).


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="build the station in this folder and keep it")
    parser.add_argument("--no-waitress", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        home = args.keep or Path(scratch) / "home"
        if not (home / "station.db").exists():
            started = time.perf_counter()
            build_station(home)
            print(f"built in {time.perf_counter() - started:.1f} s")
        bench_test_client(home, args.requests)
        if not args.no_waitress:
            bench_waitress(home, args.requests)


if __name__ == "__main__":
    main()
