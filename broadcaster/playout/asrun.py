"""Write and read the as-run log: what really aired, when, how long, on which outputs.

The log is append-only: a row is inserted (STARTED, or already closed when nothing aired) and an
open row is closed exactly once, by one UPDATE that sets its status and end together.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from broadcaster.db.models import AsRun, AsRunStatus, Trigger
from broadcaster.db.playout_models import PlayoutProgress

CRASH_REASON = "tiến trình phát bị dừng đột ngột (tắt máy, mất điện hoặc lỗi); đã phát {seconds:.1f} giây"
UNCERTAIN = ("; có thể đã phát đến giây {seconds:.1f}: không ghi được tiến độ lúc đó (ổ đĩa đầy hoặc "
             "lỗi ghi), nên không phát lại phần có thể đã phát")
EMERGENCY_CUT = "bị ngắt để phát khẩn cấp"  # how the error of a row cut by an emergency begins


@dataclass(frozen=True)
class RowFacts:
    """The descriptive part of an as-run row (what and why), shared by slot and item rows."""

    kind: str                       # slot or item
    trigger: Trigger
    air_date: date
    slot_name: str = ""
    title: str = ""
    plan_id: int | None = None
    plan_version: int | None = None
    content_hash: str = ""
    bulletin_id: int | None = None
    topic_code: str = ""
    source: str = ""
    scheduled_at: datetime | None = None
    offset_ms: int | None = None
    duration_ms: int | None = None
    operator: str = ""
    parent_id: int | None = None


def _row(station_id: int, facts: RowFacts, **values) -> AsRun:
    return AsRun(station_id=station_id, kind=facts.kind, parent_id=facts.parent_id,
                 trigger=facts.trigger, plan_id=facts.plan_id, plan_version=facts.plan_version,
                 content_hash=facts.content_hash, air_date=facts.air_date,
                 slot_name=facts.slot_name, bulletin_id=facts.bulletin_id, title=facts.title,
                 topic_code=facts.topic_code, source=facts.source,
                 scheduled_at=facts.scheduled_at, offset_ms=facts.offset_ms,
                 duration_ms=facts.duration_ms, operator=facts.operator, **values)


def open_row(session: Session, station_id: int, facts: RowFacts, *,
             started_at: datetime | None = None, outputs: Sequence[str] = (),
             track_progress: bool = False, journal_key: str | None = None) -> int:
    """Insert a STARTED row (and its progress marker); return its id. The caller commits."""
    row = _row(station_id, facts, status=AsRunStatus.STARTED, started_at=started_at,
               outputs=list(outputs), journal_key=journal_key)
    session.add(row)
    session.flush()
    if track_progress:
        session.add(PlayoutProgress(as_run_id=row.id, station_id=station_id, played_ms=0,
                                    updated_at=started_at or row.created_at))
    return row.id


def closed_row(session: Session, station_id: int, facts: RowFacts, status: AsRunStatus, *,
               started_at: datetime | None, ended_at: datetime, played_ms: int | None,
               outputs: Sequence[str] = (), error: str = "", journal_key: str | None = None) -> int:
    """Insert a row that is already closed: a miss, a failure, or an item logged after it aired."""
    row = _row(station_id, facts, status=status, started_at=started_at, ended_at=ended_at,
               played_ms=played_ms, outputs=list(outputs), error=error, journal_key=journal_key)
    session.add(row)
    session.flush()
    return row.id


def mark_started(session: Session, row_id: int, started_at: datetime) -> None:
    """Record when audio really started on an open row."""
    session.execute(update(AsRun).where(AsRun.id == row_id, AsRun.ended_at.is_(None))
                    .values(started_at=started_at))
    session.execute(update(PlayoutProgress).where(PlayoutProgress.as_run_id == row_id)
                    .values(started_at=started_at, updated_at=started_at))


def progress(session: Session, row_id: int, played_ms: int, at: datetime) -> None:
    """Move the progress marker of an open row (every second while it airs)."""
    session.execute(update(PlayoutProgress).where(PlayoutProgress.as_run_id == row_id)
                    .values(played_ms=played_ms, updated_at=at))


def close_row(session: Session, row_id: int, status: AsRunStatus, *, ended_at: datetime,
              played_ms: int | None, started_at: datetime | None = None,
              outputs: Sequence[str] | None = None, error: str = "") -> None:
    """Close an open row: status and end in one UPDATE (the database refuses a second close)."""
    values = {"status": status, "ended_at": ended_at, "played_ms": played_ms, "error": error}
    if started_at is not None:
        values["started_at"] = started_at
    if outputs is not None:
        values["outputs"] = list(outputs)
    session.execute(update(AsRun).where(AsRun.id == row_id, AsRun.ended_at.is_(None)).values(**values))
    session.execute(update(PlayoutProgress).where(PlayoutProgress.as_run_id == row_id)
                    .values(played_ms=played_ms or 0, updated_at=ended_at))


@dataclass(frozen=True)
class Interrupted:
    """A row found open at start: closed as INTERRUPTED with how far it got."""

    row_id: int
    kind: str
    slot_name: str
    air_date: date
    plan_id: int | None
    trigger: Trigger
    position_ms: int  # where in the programme it stopped, as far as the record goes
    resume_from_ms: int  # where a resume may start: past all that may have aired

def close_crashed_rows(session: Session, station_id: int, now: datetime,
                       journaled: set[str] = frozenset()) -> list[Interrupted]:
    """Close every row a previous daemon left open, with the played time of its progress marker.

    A slot row whose airing has no journal entry (the journal had no space) may have aired
    further than its marker says: it may have aired up to now, so a resume starts past that.
    """
    rows = session.scalars(select(AsRun).where(AsRun.station_id == station_id,
                                               AsRun.ended_at.is_(None))
                           .order_by(AsRun.kind.desc(), AsRun.id)).all()  # slot rows before items
    positions: dict[int, tuple[int, datetime]] = {}
    found = []
    for row in rows:
        marker = session.get(PlayoutProgress, row.id)
        if row.kind == "item" and row.parent_id in positions:
            parent_position, ended_at = positions[row.parent_id]
            played = max(0, min(row.duration_ms or 0, parent_position - (row.offset_ms or 0)))
            started_at = row.started_at
        else:
            played = marker.played_ms if marker else 0
            started_at = row.started_at or (marker.started_at if marker else None)
            ended_at = marker.updated_at if marker else (row.started_at or row.created_at)
            # The marker moves once a second; an item closed PLAYED may be newer news.
            played = max(played, _aired_whole_to(session, row) - (row.offset_ms or 0))
            positions[row.id] = ((row.offset_ms or 0) + played, ended_at)
        error = CRASH_REASON.format(seconds=played / 1000)
        possible = played
        if row.kind == "slot" and row.journal_key and row.journal_key not in journaled and started_at:
            possible = max(played, int((now - started_at) / timedelta(milliseconds=1)))
            error += UNCERTAIN.format(seconds=possible / 1000)
        close_row(session, row.id, AsRunStatus.INTERRUPTED, ended_at=max(ended_at, started_at or ended_at),
                  played_ms=played, started_at=started_at, error=error)
        found.append(Interrupted(row.id, row.kind, row.slot_name, row.air_date, row.plan_id,
                                 row.trigger, (row.offset_ms or 0) + played,
                                 (row.offset_ms or 0) + possible))
    return found


def _aired_whole_to(session: Session, slot: AsRun) -> int:
    """Where in the programme the last item of a slot row that aired whole ends (0 if none)."""
    ends = session.scalars(select(AsRun.offset_ms + AsRun.duration_ms).where(
        AsRun.parent_id == slot.id, AsRun.status == AsRunStatus.PLAYED))
    return max((end or 0 for end in ends), default=0)


def list_as_run(session: Session, station_id: int, date_from: date | None = None,
                date_to: date | None = None) -> list[AsRun]:
    """The as-run log of a station between two local air dates (inclusive), in airing order."""
    query = select(AsRun).where(AsRun.station_id == station_id)
    if date_from is not None:
        query = query.where(AsRun.air_date >= date_from)
    if date_to is not None:
        query = query.where(AsRun.air_date <= date_to)
    rows = session.scalars(query).all()
    return sorted(rows, key=lambda r: (r.air_date, _when(r), r.parent_id or r.id, r.id))


def _when(row: AsRun) -> datetime:
    return row.started_at or row.scheduled_at or row.created_at


# --- showing it ------------------------------------------------------------------------------

CSV_HEADER = ["mã", "loại", "thuộc", "ngày phát", "buổi", "kích hoạt", "trạng thái", "giờ dự kiến",
              "bắt đầu", "kết thúc", "trễ (ms)", "đã phát (giây)", "phát tiếp từ (giây)",
              "kế hoạch", "phiên bản",
              "mã nội dung", "bản tin", "tiêu đề", "ngõ ra", "người thực hiện", "ghi chú"]


def _local(value: datetime | None, zone: ZoneInfo, with_date: bool = False) -> str:
    if value is None:
        return ""
    shown = value.astimezone(zone)
    return shown.strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S")


def lateness_ms(row: AsRun) -> int | None:
    if row.started_at is None or row.scheduled_at is None or row.offset_ms:
        return None
    return round((row.started_at - row.scheduled_at) / timedelta(milliseconds=1))


def csv_fields(row: AsRun, zone: ZoneInfo) -> list[str]:
    late = lateness_ms(row)
    return [str(row.id), row.kind, str(row.parent_id or ""), row.air_date.isoformat(), row.slot_name,
            row.trigger.value, row.status.value, _local(row.scheduled_at, zone),
            _local(row.started_at, zone), _local(row.ended_at, zone),
            "" if late is None else str(late),
            "" if row.played_ms is None else f"{row.played_ms / 1000:.1f}",
            f"{row.offset_ms / 1000:.1f}" if row.kind == "slot" and row.offset_ms else "",
            str(row.plan_id or ""), str(row.plan_version or ""), row.content_hash[:12],
            str(row.bulletin_id or ""), row.title, " ".join(row.outputs), row.operator, row.error]


def text_line(row: AsRun, zone: ZoneInfo) -> str:
    """One as-run row as one line of text (status words exactly as stored: PLAYED, MISSED…)."""
    late = lateness_ms(row)
    parts = [f"{row.air_date.isoformat()}", f"{_local(row.scheduled_at, zone) or '--:--:--'}",
             f"{row.status.value:<11}", f"{row.kind:<4}", f"{row.trigger.value:<9}",
             row.slot_name or "-",
             f"v{row.plan_version}" if row.plan_version else "-",
             f"bắt đầu {_local(row.started_at, zone) or '-'}",
             f"kết thúc {_local(row.ended_at, zone) or '-'}"]
    if late is not None:
        parts.append(f"trễ {late} ms")
    if row.played_ms is not None:
        parts.append(f"phát {row.played_ms / 1000:.1f} s")
    if row.offset_ms and row.kind == "slot":
        parts.append(f"từ {row.offset_ms / 1000:.1f} s")
    if row.outputs:
        parts.append("ngõ ra " + ",".join(row.outputs))
    if row.operator:
        parts.append(f"bởi {row.operator}")
    if row.title:
        parts.append(f"«{row.title}»")
    if row.error:
        parts.append(f"({row.error})")
    return "  ".join(parts).replace("\n", " ")


def render(rows: Iterable[AsRun], zone: ZoneInfo, fmt: str = "text") -> str:
    """The as-run log as text lines or CSV (with a Vietnamese header)."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        for row in rows:
            writer.writerow(csv_fields(row, zone))
        return buffer.getvalue()
    return "".join(text_line(row, zone) + "\n" for row in rows)
