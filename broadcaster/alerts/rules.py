"""Faults as conditions: plain data in (Facts), plain data out (Condition), no I/O.

A Condition is either ongoing (the fault lasts: the daemon is down, the disk is low; it stays
open until it is no longer reported) or a one-off (it happened: a slot was missed). `settled`
keys end an open alert without a recovery notice (a slot that was never approved is past its
time: the MISSED row tells the rest).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from broadcaster.alerts import messages as say


@dataclass(frozen=True)
class Condition:
    kind: str
    key: str
    message: str
    recovery: str = ""     # said when an ongoing condition ends
    ongoing: bool = True


@dataclass(frozen=True)
class BadRow:
    """A slot row that did not air as planned (MISSED, FAILED, PARTIAL, INTERRUPTED)."""

    row_id: int
    slot: str              # the slot's title, or the play's title for manual and emergency plays
    air_date: date
    at: datetime           # scheduled instant, else start, else end
    status: str
    error: str
    trigger: str = "schedule"


@dataclass(frozen=True)
class Upcoming:
    """A slot instance with a plan, near its time."""

    slot_name: str
    slot: str
    air_date: date
    starts_at: datetime
    approved: bool


@dataclass(frozen=True)
class DeadAir:
    row_id: int
    slot: str
    air_date: date
    began_at: datetime     # wall time the silence began
    seconds: float
    ongoing: bool


@dataclass(frozen=True)
class RenderFailure:
    """A plan's audio that could not be made, or a day's automatic preparation that failed."""

    ident: str             # plan:<id> or audit:<id>
    what: str              # e.g. "Buổi sáng ngày 02/03/2024"
    warning: str


@dataclass(frozen=True)
class Relay:
    """A relay channel as the playout daemon reports it (heartbeat `relays`)."""

    channel: str
    down: bool
    since: datetime | None
    error: str = ""


@dataclass(frozen=True)
class Disk:
    path: str
    free_mb: float
    total_mb: float


@dataclass(frozen=True)
class Backup:
    ok: bool
    at: datetime
    error: str = ""


@dataclass(frozen=True)
class PowerFault:
    at: datetime
    state: str
    error: str


@dataclass(frozen=True)
class Facts:
    now: datetime
    zone: str
    station: str                        # the station's name
    watch_started: datetime
    heartbeat_seen: datetime | None     # None: the daemon never ran
    bad_rows: list[BadRow] = field(default_factory=list)
    upcoming: list[Upcoming] = field(default_factory=list)
    dead_air: list[DeadAir] = field(default_factory=list)
    offair_silent_since: datetime | None = None
    render_failures: list[RenderFailure] = field(default_factory=list)
    relays: list[Relay] = field(default_factory=list)
    disks: list[Disk] = field(default_factory=list)
    backup: Backup | None = None
    power: PowerFault | None = None     # the newest switch, when it failed


@dataclass(frozen=True)
class Limits:
    daemon_down_seconds: int
    unapproved_minutes: int
    disk_min_free_mb: int


def conditions(facts: Facts, limits: Limits) -> tuple[list[Condition], set[str]]:
    """Everything wrong now, and the keys settled without a recovery notice."""
    zone = ZoneInfo(facts.zone)
    found: list[Condition] = []
    settled: set[str] = set()
    found += _daemon(facts, limits, zone)
    for row in facts.bad_rows:
        found.append(Condition(f"slot_{row.status.lower()}", f"asrun:{row.row_id}",
                               say.bad_row(row, zone), ongoing=False))
    for slot in facts.upcoming:
        key = f"unapproved:{slot.air_date.isoformat()}:{slot.slot_name}"
        if slot.approved:
            continue
        if facts.now >= slot.starts_at:
            settled.add(key)
        elif slot.starts_at - facts.now <= timedelta(minutes=limits.unapproved_minutes):
            found.append(Condition("unapproved", key, say.unapproved(slot, facts.now, zone),
                                   say.approved(slot, zone)))
    for span in facts.dead_air:
        found.append(Condition("dead_air", f"deadair:{span.row_id}:{span.began_at.isoformat()}",
                               say.dead_air(span, zone), say.sound_back(span, zone),
                               ongoing=span.ongoing))
    if facts.offair_silent_since is not None:
        found.append(Condition("offair", "offair", say.offair(facts.offair_silent_since, zone),
                               say.offair_back()))
    for failure in facts.render_failures:
        found.append(Condition("render_failed", f"render:{failure.ident}",
                               say.render_failed(failure), ongoing=False))
    for relay in facts.relays:
        if relay.down:
            found.append(Condition("relay_down", f"relay:{relay.channel}", say.relay_down(relay, zone),
                                   say.relay_back(relay)))
    for disk in facts.disks:
        if disk.free_mb < limits.disk_min_free_mb:
            found.append(Condition("disk_low", f"disk:{disk.path}", say.disk_low(disk),
                                   say.disk_ok(disk)))
    if facts.backup is not None and not facts.backup.ok:
        found.append(Condition("backup_failed", "backup", say.backup_failed(facts.backup, zone),
                               say.backup_ok()))
    if facts.power is not None:
        found.append(Condition("power_failed", "power", say.power_failed(facts.power, zone),
                               say.power_ok()))
    return found, settled


def _daemon(facts: Facts, limits: Limits, zone: ZoneInfo) -> list[Condition]:
    seen = facts.heartbeat_seen
    since = max(seen, facts.watch_started) if seen is not None else facts.watch_started
    if facts.now - since < timedelta(seconds=limits.daemon_down_seconds):
        return []
    return [Condition("daemon_down", "daemon", say.daemon_down(seen, facts.now, zone),
                      say.daemon_back())]
