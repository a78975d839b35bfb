"""Aggregate the as-run log into report figures: plain functions over plain rows, no I/O.

What counts (docs/reports.md says the same for the commune reader):

- A row belongs to the station-local date of its start: ``started_at``, else ``scheduled_at`` (a
  missed slot never started), else its ``air_date``. Rows outside the period are ignored here too,
  so the rule holds whatever the query fetched.
- An *airing* is an ``item`` row whose status is PLAYED, PARTIAL, EMERGENCY or INTERRUPTED and whose
  ``played_ms`` is above zero: some of its audio really went out. A manual or emergency request
  that played a file (no bulletin) is logged by playout as one ``slot`` row without items; that row
  is the airing. Minutes aired are the sum of the airings' ``played_ms``. FAILED, MISSED and
  still-open STARTED rows are never airings.
- Distinct bulletins: airings counted once per ``bulletin_id`` (or per station and title when the
  row has no bulletin, e.g. a played file).
- An emergency broadcast is an airing with trigger ``emergency`` or status EMERGENCY.
- Problems: ``slot`` rows (scheduled slots and requests) that were MISSED, FAILED or INTERRUPTED,
  each with its recorded reason. Their item rows repeat the slot's fate and are not listed again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from operator import itemgetter
from typing import Iterable, Mapping, NamedTuple, Sequence
from zoneinfo import ZoneInfo

from broadcaster.reports.period import Period

AIRED = frozenset({"PLAYED", "PARTIAL", "EMERGENCY", "INTERRUPTED"})
SLOT_PROBLEMS = frozenset({"MISSED", "FAILED", "INTERRUPTED"})

STATUS_VI = {
    "PLAYED": "Đã phát", "PARTIAL": "Phát một phần", "MISSED": "Bỏ lỡ", "FAILED": "Lỗi",
    "INTERRUPTED": "Bị gián đoạn", "EMERGENCY": "Khẩn cấp", "STARTED": "Chưa kết thúc",
}
DEFAULT_REASON_VI = {
    "MISSED": "Không bắt đầu được trong thời gian cho phép",
    "FAILED": "Lỗi khi phát",
    "INTERRUPTED": "Bị ngắt giữa chừng",
}
SOURCE_VI = {"speech": "Giọng đọc tự động", "recording": "Bản ghi âm", "file": "Tệp âm thanh"}
NO_TOPIC_VI = "Chưa rõ chủ đề"
NO_SLOT_VI = "Ngoài khung giờ (phát khẩn cấp, phát tay)"


class AsRunRow(NamedTuple):
    """The columns of one as-run row a report needs, in query order."""

    station_id: int
    kind: str                  # slot | item
    trigger: str               # schedule | manual | emergency
    status: str                # an AsRunStatus value
    slot_name: str
    bulletin_id: int | None
    title: str
    topic_code: str
    source: str                # speech | recording | file
    start: datetime | None     # started_at, else scheduled_at; UTC-aware
    air_date: date
    played_ms: int | None
    error: str


class Airing(NamedTuple):
    """One line of the detail list."""

    station_id: int
    day: date
    at: time | None            # local start time
    slot_name: str
    title: str
    topic_code: str
    source: str
    status: str
    trigger: str
    played_ms: int

    @property
    def minutes(self) -> float:
        return self.played_ms / 60000


class Problem(NamedTuple):
    """A slot or request that was missed, failed or cut."""

    station_id: int
    day: date
    at: time | None
    slot_name: str             # empty for a manual or emergency request
    title: str
    trigger: str
    status: str
    reason: str


@dataclass(frozen=True)
class StationInfo:
    id: int
    code: str
    name: str
    commune: str
    district: str
    province: str
    timezone: str


@dataclass(frozen=True)
class Line:
    """One row of a summary table."""

    key: str
    label: str
    airings: int = 0
    played_ms: int = 0
    bulletins: int = 0

    @property
    def minutes(self) -> float:
        return self.played_ms / 60000


@dataclass(frozen=True)
class SlotLine(Line):
    slots_aired: int = 0       # slot rows PLAYED, PARTIAL, EMERGENCY or INTERRUPTED
    missed: int = 0
    failed: int = 0
    interrupted: int = 0


@dataclass
class Report:
    period: Period
    stations: tuple[StationInfo, ...]
    airings: int = 0
    played_ms: int = 0
    bulletins: int = 0
    by_topic: list[Line] = field(default_factory=list)
    by_month: list[Line] = field(default_factory=list)
    by_week: list[Line] = field(default_factory=list)
    by_slot: list[SlotLine] = field(default_factory=list)
    by_source: list[Line] = field(default_factory=list)
    by_station: list[Line] = field(default_factory=list)
    emergencies: list[Airing] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    details: list[Airing] | None = None
    topic_names: Mapping[str, str] = field(default_factory=dict)
    slot_titles: Mapping[str, str] = field(default_factory=dict)

    @property
    def minutes(self) -> float:
        return self.played_ms / 60000

    @property
    def emergency_ms(self) -> int:
        return sum(a.played_ms for a in self.emergencies)

    def problem_count(self, status: str) -> int:
        return sum(1 for p in self.problems if p.status == status)

    def topic_label(self, code: str) -> str:
        return self.topic_names.get(code, code) if code else NO_TOPIC_VI

    def slot_label(self, name: str) -> str:
        return self.slot_titles.get(name, name) if name else NO_SLOT_VI


def _count(totals: dict, key, played_ms: int) -> None:
    """Add one airing and its milliseconds to a [airings, ms] tally."""
    tally = totals.get(key)
    if tally is None:
        totals[key] = [1, played_ms]
    else:
        tally[0] += 1
        tally[1] += played_ms


def aggregate(rows: Iterable[Sequence], period: Period, stations: Sequence[StationInfo],
              topic_names: Mapping[str, str] | None = None,
              slot_titles: Mapping[str, str] | None = None,
              with_details: bool = True) -> Report:
    """Fold as-run rows (tuples in AsRunRow order) into a Report for ``period``."""
    zones = {s.id: ZoneInfo(s.timezone) for s in stations}
    first, last = period.start, period.end
    # Hot loop (a province-year is ~800k rows): few small dicts of [airings, played_ms], keyed by
    # (station, day, slot), topic and source; every other table is derived from them afterwards.
    day_slot: dict[tuple[int, date, str], list[int]] = {}
    topics: dict[str, list[int]] = {}
    sources: dict[str, list[int]] = {}
    topic_bulletins: set[tuple] = set()
    slot_status: dict[tuple[str, str], int] = {}
    emergencies: list[Airing] = []
    problems: list[Problem] = []
    details: list[Airing] | None = [] if with_details else None

    for (station_id, kind, trigger, status, slot_name, bulletin_id, title, topic_code, source,
         start, air_date, played_ms, error) in rows:
        zone = zones.get(station_id)
        if zone is None:
            continue
        if start is not None:
            local = start.astimezone(zone)
            day = local.date()
        else:
            local, day = None, air_date
        if day < first or day > last:
            continue
        if kind != "item":
            slot_status[slot_name, status] = slot_status.get((slot_name, status), 0) + 1
            if status in SLOT_PROBLEMS:
                problems.append(Problem(station_id, day, local and local.time(), slot_name, title,
                                        trigger, status, error or DEFAULT_REASON_VI[status]))
            if trigger == "schedule" or bulletin_id is not None:
                continue  # its items are the airings
        if status not in AIRED or not played_ms or played_ms <= 0:
            continue
        _count(day_slot, (station_id, day, slot_name), played_ms)
        _count(topics, topic_code, played_ms)
        _count(sources, source, played_ms)
        topic_bulletins.add((topic_code, bulletin_id if bulletin_id is not None
                             else (station_id, title)))
        emergency = trigger == "emergency" or status == "EMERGENCY"
        if emergency or details is not None:
            airing = Airing(station_id, day, local and local.time(), slot_name, title, topic_code,
                            source, status, trigger, played_ms)
            if emergency:
                emergencies.append(airing)
            if details is not None:
                details.append(airing)

    report = Report(period, tuple(stations), topic_names=dict(topic_names or {}),
                    slot_titles=dict(slot_titles or {}))
    _fill_tables(report, day_slot, topics, sources, topic_bulletins, slot_status)
    report.emergencies = sorted(emergencies, key=_in_time_order)
    report.problems = sorted(problems, key=_in_time_order)
    if details is not None:
        try:  # C-level key: a province-year is ~800k lines; an untimed line needs the slow key
            details.sort(key=itemgetter(0, 1, 2))
        except TypeError:
            details.sort(key=_in_time_order)
        report.details = details
    return report


def _fill_tables(report: Report, day_slot: dict, topics: dict, sources: dict,
                 topic_bulletins: set, slot_status: dict) -> None:
    """Derive the totals and every summary table from the loop's small accumulators."""
    period, stations = report.period, report.stations
    months: dict[tuple[int, int], list[int]] = {}
    weeks: dict[date, list[int]] = {}
    slots: dict[str, list[int]] = {}
    by_station: dict[int, list[int]] = {}
    for (station_id, day, slot_name), acc in day_slot.items():
        for table, key in ((months, (day.year, day.month)),
                           (weeks, day - timedelta(days=day.weekday())), (slots, slot_name),
                           (by_station, station_id)):
            _add(table, key, acc)
    report.airings = sum(acc[0] for acc in topics.values())
    report.played_ms = sum(acc[1] for acc in topics.values())
    report.bulletins = len({bulletin for _, bulletin in topic_bulletins})
    per_topic: dict[str, int] = {}
    for code, _ in topic_bulletins:
        per_topic[code] = per_topic.get(code, 0) + 1
    report.by_topic = sorted((Line(code, report.topic_label(code), acc[0], acc[1], per_topic[code])
                              for code, acc in topics.items()),
                             key=lambda line: (-line.played_ms, line.label))
    report.by_month = [_line(f"{y:04d}-{m:02d}", f"Tháng {m}/{y}", months.get((y, m)))
                       for y, m in period.months()]
    report.by_week = [_line(monday.isoformat(), _week_label(monday, period), weeks.get(monday))
                      for monday in period.weeks()]
    report.by_slot = _slot_lines(report, slots, slot_status)
    report.by_source = sorted((_line(code, SOURCE_VI.get(code, code or "Không rõ"), acc)
                               for code, acc in sources.items()), key=lambda line: -line.played_ms)
    report.by_station = [_line(s.code, s.name, by_station.get(s.id)) for s in stations]


def _in_time_order(item: Airing | Problem) -> tuple:
    """Station, then local date and time; a line without a time comes first in its day."""
    return item.station_id, item.day, item.at or time.min


def _add(table: dict, key, acc: list[int]) -> None:
    mine = table.get(key)
    if mine is None:
        table[key] = [acc[0], acc[1]]
    else:
        mine[0] += acc[0]
        mine[1] += acc[1]


def _line(key: str, label: str, acc: list[int] | None) -> Line:
    return Line(key, label, acc[0], acc[1]) if acc else Line(key, label)


def _week_label(monday: date, period: Period) -> str:
    first = max(monday, period.start)
    last = min(monday + timedelta(days=6), period.end)
    return f"{first:%d/%m}–{last:%d/%m}"


def _slot_lines(report: Report, slots: dict[str, list[int]],
                slot_status: dict[tuple[str, str], int]) -> list[SlotLine]:
    names = set(slots) | {name for name, _ in slot_status}
    order = list(report.slot_titles)
    lines = []
    for name in sorted(names, key=lambda n: (n not in order, order.index(n) if n in order else 0, n)):
        airings, played_ms = slots.get(name) or (0, 0)
        count = lambda *statuses: sum(slot_status.get((name, s), 0) for s in statuses)  # noqa: E731
        lines.append(SlotLine(name, report.slot_label(name), airings, played_ms,
                              slots_aired=count(*AIRED), missed=count("MISSED"),
                              failed=count("FAILED"), interrupted=count("INTERRUPTED")))
    return lines
