"""A local journal of airings whose as-run row the database has not taken yet.

The daemon never waits for the database to air (see dbwrite). If the database refuses writes from
before a slot starts and the daemon is then killed, the slot's STARTED row was never written: the
log would lose an airing, and a restart inside the grace window would air the slot again from the
top. So each airing is first written here, one small JSON file per airing (written to a temporary
file, synced, renamed), kept up to date with how far the audio got while its row is missing, and
deleted once a row for the airing is in the database. At start, before closing crashed rows, the
daemon writes the rows of whatever is left here; from there the usual crash handling (INTERRUPTED
with the played time, then `playout.resume`) applies.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from dataclasses import asdict, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcaster.db.models import AsRun, AsRunStatus, Trigger
from broadcaster.db.playout_models import PlayoutProgress
from broadcaster.playout import asrun

log = logging.getLogger(__name__)


def _facts_to_json(facts: asrun.RowFacts) -> dict:
    data = asdict(facts)
    data["trigger"] = facts.trigger.value
    data["air_date"] = facts.air_date.isoformat()
    data["scheduled_at"] = facts.scheduled_at.isoformat() if facts.scheduled_at else None
    return data


def _facts_from_json(data: dict) -> asrun.RowFacts:
    return asrun.RowFacts(**{**data, "trigger": Trigger(data["trigger"]),
                             "air_date": date.fromisoformat(data["air_date"]),
                             "scheduled_at": _when(data["scheduled_at"])})


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class Journal:
    """One folder of pending airings; safe to use from the audio and the writer threads."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._lock = threading.Lock()
        self._entries: dict[str, dict] = {}

    def begin(self, slot: asrun.RowFacts, items: list[asrun.RowFacts], outputs: list[str],
              now: datetime) -> str:
        """Record an airing about to start; return its key."""
        key = uuid.uuid4().hex
        entry = {"begun_at": now.isoformat(), "slot": _facts_to_json(slot),
                 "items": [_facts_to_json(i) for i in items], "outputs": outputs,
                 "started_at": None, "played_ms": 0, "updated_at": now.isoformat()}
        with self._lock:
            self._entries[key] = entry
            self._save(key, entry)
        return key

    def update(self, key: str, played_ms: int, at: datetime, started_at: datetime | None = None) -> None:
        """Note how far the audio got (only while the airing has no row yet)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return
            if started_at is not None:
                entry["started_at"] = started_at.isoformat()
            entry["played_ms"], entry["updated_at"] = played_ms, at.isoformat()
            self._save(key, entry)

    def done(self, key: str) -> None:
        """The airing's row is in the database: forget it."""
        with self._lock:
            if self._entries.pop(key, None) is not None:
                (self.folder / f"{key}.json").unlink(missing_ok=True)

    def _save(self, key: str, entry: dict) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{key}.tmp"
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(entry, handle, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.folder / f"{key}.json")
        except OSError as exc:  # a full or read-only disk must not stop the audio
            log.error("could not write the playout journal %s: %s", key, exc)

    # --- at start ---------------------------------------------------------------------------
    def recover(self, session: Session, station_id: int) -> list[Path]:
        """Write the rows of the airings left here by a run that died; return the files done with.

        The slot row is written open, with its progress, so that closing crashed rows gives it
        INTERRUPTED and the played time; items that aired whole are written PLAYED, the one cut
        is written open likewise. An airing whose row did reach the database is skipped.
        """
        done = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                entry = json.loads(path.read_text(encoding="utf-8"))
                slot = _facts_from_json(entry["slot"])
                items = [_facts_from_json(i) for i in entry["items"]]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.error("unreadable playout journal %s (%s): set aside", path.name, exc)
                path.replace(path.with_suffix(".bad"))
                continue
            begun_at = _when(entry["begun_at"])
            if not _has_row(session, station_id, slot, begun_at):
                _write_rows(session, station_id, slot, items, entry)
                log.warning("as-run of %s %s %s written from the local journal: the database "
                            "refused it before the previous run stopped", slot.trigger.value,
                            slot.slot_name or slot.title, slot.air_date)
            done.append(path)
        return done

    def forget(self, paths: list[Path]) -> None:
        """Delete recovered files (after their rows are committed)."""
        for path in paths:
            path.unlink(missing_ok=True)


def _has_row(session: Session, station_id: int, slot: asrun.RowFacts, begun_at: datetime) -> bool:
    scheduled = (AsRun.scheduled_at == slot.scheduled_at if slot.scheduled_at
                 else AsRun.scheduled_at.is_(None))
    return session.scalar(select(AsRun.id).where(
        AsRun.station_id == station_id, AsRun.kind == "slot", AsRun.trigger == slot.trigger,
        AsRun.air_date == slot.air_date, AsRun.slot_name == slot.slot_name, AsRun.title == slot.title,
        scheduled, AsRun.created_at >= begun_at - timedelta(seconds=5)).limit(1)) is not None


def _write_rows(session: Session, station_id: int, slot: asrun.RowFacts, items: list[asrun.RowFacts],
                entry: dict) -> None:
    started_at, played = _when(entry["started_at"]), int(entry["played_ms"])
    row_id = asrun.open_row(session, station_id, slot, started_at=started_at,
                            outputs=entry["outputs"], track_progress=True)
    marker = session.get(PlayoutProgress, row_id)
    marker.played_ms, marker.started_at, marker.updated_at = played, started_at, _when(entry["updated_at"])
    if started_at is None:
        return
    position = (slot.offset_ms or 0) + played
    for item in items:
        offset, duration = item.offset_ms or 0, item.duration_ms or 0
        if offset > position:
            continue
        item = replace(item, parent_id=row_id)
        item_start = started_at + timedelta(milliseconds=offset - (slot.offset_ms or 0))
        if offset + duration <= position:
            asrun.closed_row(session, station_id, item, AsRunStatus.PLAYED, started_at=item_start,
                             ended_at=item_start + timedelta(milliseconds=duration),
                             played_ms=duration, outputs=entry["outputs"])
        else:
            asrun.open_row(session, station_id, item, started_at=item_start)
