"""Chaos for the playout daemon: a real daemon process killed with SIGKILL at random moments
across a few short slots, restarted each time as `broadcaster run` would, then the as-run log
checked. Used by tests/playout/test_chaos.py (a few kills) and tests/bench/bench_chaos.py (many).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from broadcaster.db.models import AsRun, AsRunStatus

from tests.playout.conftest import Plant

RESTART_SECONDS = 1.0  # what `run`'s first back-off gives a killed child


@dataclass
class Report:
    kills: int
    slots: int
    airings_affected: int = 0     # slot instances that were cut at least once
    overlaps: list[str] = field(default_factory=list)
    open_rows: list[int] = field(default_factory=list)
    double_plays: list[str] = field(default_factory=list)   # an item aired whole twice
    lost_outcomes: list[str] = field(default_factory=list)  # a slot with no closed row

    @property
    def clean(self) -> bool:
        return not (self.overlaps or self.open_rows or self.double_plays or self.lost_outcomes)

    def lines(self) -> list[str]:
        return [f"faults injected (SIGKILL): {self.kills}", f"slots: {self.slots}",
                f"airings affected: {self.airings_affected}", f"overlaps: {len(self.overlaps)}",
                f"open rows: {len(self.open_rows)}", f"double plays: {len(self.double_plays)}",
                f"lost outcomes: {len(self.lost_outcomes)}"]


def plant_slots(plant: Plant, count: int, spacing: int, seconds: float, lead: int = 6) -> list[str]:
    """`count` approved slots `spacing` s apart, each a programme of `seconds` with 3 items."""
    names = []
    for index in range(count):
        name = f"c{index:02d}"
        air_date, _ = plant.slot(name, lead + index * spacing, length=spacing - 2, grace=spacing - 4)
        plant.plan(name, air_date, seconds=seconds, items=3)
        names.append(name)
    return names


def run(plant: Plant, kills: int, slots: int = 2, spacing: int = 30, seconds: float = 13.0,
        seed: int = 1, log: Path | None = None) -> Report:
    """Air `slots` slots under `kills` SIGKILLs at random moments; return what the log says."""
    plant.configure('[playout]\nresume = "resume-item"\nreconcile_seconds = 2')
    names = plant_slots(plant, slots, spacing, seconds)
    first = datetime.now(timezone.utc)
    end = first + timedelta(seconds=6 + slots * spacing)
    chance = random.Random(seed)
    moments = sorted(chance.uniform(5, (end - first).total_seconds() - 4) for _ in range(kills))
    out = open(log or os.devnull, "ab")
    argv = [sys.executable, "-m", "broadcaster", "--home", str(plant.home), "playout",
            "--output", "aircheck"]
    daemon = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
    try:
        for moment in moments:
            wait = (first + timedelta(seconds=moment) - datetime.now(timezone.utc)).total_seconds()
            time.sleep(max(0.0, wait))
            daemon.send_signal(signal.SIGKILL)
            daemon.wait(10)
            time.sleep(RESTART_SECONDS)
            daemon = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        time.sleep(max(0.0, (end - datetime.now(timezone.utc)).total_seconds() + 3))
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(60)
        out.close()
    return check(plant.rows(), names, kills)


def check(rows: list[AsRun], names: list[str], kills: int) -> Report:
    """The chaos run's verdict from the as-run log."""
    report = Report(kills, len(names))
    slots = [r for r in rows if r.kind == "slot"]
    report.open_rows = [r.id for r in rows if r.ended_at is None]
    aired = sorted((r for r in slots if r.started_at and r.ended_at and r.played_ms),
                   key=lambda r: r.started_at)
    for before, after in zip(aired, aired[1:]):
        if after.started_at < before.ended_at - timedelta(milliseconds=50):
            report.overlaps.append(f"{before.slot_name} {before.id} / {after.slot_name} {after.id}")
    whole = Counter((r.slot_name, r.offset_ms) for r in rows
                    if r.kind == "item" and r.status is AsRunStatus.PLAYED)
    report.double_plays = [f"{name} item at {offset} ms" for (name, offset), n in whole.items() if n > 1]
    for name in names:
        mine = [r for r in slots if r.slot_name == name]
        if not any(r.ended_at for r in mine):
            report.lost_outcomes.append(name)
        if any(r.status is AsRunStatus.INTERRUPTED for r in mine):
            report.airings_affected += 1
    return report


def describe(rows: list[AsRun]) -> list[str]:
    """The as-run log, a line a row, for a failure message."""
    return [f"{r.id} {r.kind} {r.slot_name} parent={r.parent_id} {r.status.value} off={r.offset_ms} "
            f"played={r.played_ms} {r.started_at and r.started_at.time()}–"
            f"{r.ended_at and r.ended_at.time()} {r.error[:80]}" for r in rows]
