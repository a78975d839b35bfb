"""A local journal of airings, kept until the database has their final as-run rows.

The daemon never waits for the database to air (see dbwrite). If the database refuses writes and
the daemon is then killed, queued as-run writes die with it: an airing could vanish from the log,
or a slot come back as never aired and be aired again from the top. So each airing is also written
here from T-1 s: kept up to date with the start and the played time while the database is not
taking writes, given the outcome (status, error, end) when the airing ends, and let go once the
row that closes it is in. Its record goes into a page reserved ahead and overwritten in place
(reserve.py): a full station home cannot stop it. An airing that got no page (the disk was full
before any could be reserved) is marked in the log, and recovery treats its row as uncertain.

At start, before closing crashed rows, the daemon applies what is left here. Entries are matched
to rows by `as_run.journal_key`: a missing row is written (closed with the outcome when it is
known, else open with its progress, so that the usual crash handling closes it INTERRUPTED and
applies `playout.resume`); an open row gets its start, progress, outcome and missing items. Entries
are applied in the order the airings began, each in its own transaction.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from contextlib import AbstractContextManager
from dataclasses import asdict, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

from sqlalchemy import select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from broadcaster.db.models import AsRun, AsRunStatus, Trigger
from broadcaster.db.playout_models import PlayoutProgress
from broadcaster.playout import asrun
from broadcaster.playout.reserve import FREE, Page, RecordTooLarge, Reserve

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
    """One folder of airings in progress; safe to use from the audio and the writer threads."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.reserve = Reserve(folder)
        self._lock = threading.Lock()
        self._entries: dict[str, dict] = {}
        self._pages: dict[str, Page] = {}
        self._failing: str | None = None  # the last write error, logged once until writes work

    def begin(self, slot: asrun.RowFacts, items: list[asrun.RowFacts], outputs: list[str],
              now: datetime) -> str:
        """Record an airing about to start; return its key (sorts in the order airings began)."""
        key = f"{now:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:12]}"
        entry = {"key": key, "begun_at": now.isoformat(), "slot": _facts_to_json(slot),
                 "items": [_facts_to_json(i) for i in items], "outputs": outputs,
                 "started_at": None, "played_ms": 0, "updated_at": now.isoformat(), "outcome": None}
        page = self.reserve.take()
        with self._lock:
            self._entries[key] = entry
            if page is None:
                log.error("playout journal: no space for %s %s: if the database refuses writes "
                          "too, its as-run row will be uncertain", slot.slot_name or slot.title,
                          slot.air_date)
            else:
                self._pages[key] = page
                self._save(key, entry)
        return key

    def update(self, key: str, played_ms: int, at: datetime, started_at: datetime | None = None) -> None:
        """Note when the audio started and how far it got."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return
            if started_at is not None:
                entry["started_at"] = started_at.isoformat()
            entry["played_ms"], entry["updated_at"] = played_ms, at.isoformat()
            self._save(key, entry)

    def finish(self, key: str, status: AsRunStatus, item_status: AsRunStatus, error: str,
               played_ms: int, ended_at: datetime, outputs: list[str]) -> None:
        """Note how the airing ended (what its closing row will say)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return
            entry["played_ms"], entry["updated_at"] = played_ms, ended_at.isoformat()
            entry["outcome"] = {"status": status.value, "item_status": item_status.value,
                                "error": error, "ended_at": ended_at.isoformat(), "outputs": outputs}
            self._save(key, entry)

    def done(self, key: str) -> None:
        """The row that closes the airing is in the database: free its page."""
        with self._lock:
            self._entries.pop(key, None)
            page = self._pages.pop(key, None)
            if page is not None:
                self._write(page, dict(FREE), key)

    def _save(self, key: str, entry: dict) -> None:
        page = self._pages.get(key)
        if page is not None:
            self._write(page, entry, key)

    def _write(self, page: Page, record: dict, key: str) -> None:
        try:
            page.write(record)
        except (OSError, RecordTooLarge) as exc:  # the audio goes on whatever happens here
            if str(exc) != self._failing:
                self._failing = str(exc)
                log.error("could not write the playout journal %s: %s", key, exc)
            return
        self._failing = None

    # --- at start ---------------------------------------------------------------------------
    def recover(self, sessions: Callable[[], AbstractContextManager[Session]],
                station_id: int) -> set[str]:
        """Apply the entries a previous run left, oldest airing first; return their keys.

        A database that refuses writes stops the start (the entries stay for the next try); an
        entry the database rejects for any other reason is set aside, like an unreadable one.
        Then the reserve is topped up for this run.
        """
        found = set()
        left = [(page.record.get("key", ""), page.record, page) for page in self.reserve.pages_in_use()]
        left += [(path.stem, None, path)  # written before the journal had reserved pages
                 for path in self.folder.glob("*.json")]
        for key, entry, where in sorted(left, key=lambda found: found[0]):
            path = where.path if isinstance(where, Page) else where
            try:
                entry = entry if entry is not None else json.loads(path.read_text(encoding="utf-8"))
                with sessions() as session:
                    _apply(session, station_id, key, entry)
            except OperationalError:
                raise
            except (OSError, ValueError, KeyError, TypeError, SQLAlchemyError) as exc:
                log.error("playout journal %s cannot be applied (%s): set aside", path.name, exc)
                path.replace(path.with_suffix(".bad"))
                continue
            found.add(key)
            if isinstance(where, Page):
                where.write(dict(FREE))
            else:
                path.unlink(missing_ok=True)
        self.reserve.top_up()
        return found


def _apply(session: Session, station_id: int, key: str, entry: dict) -> bool:
    """Write what the database lacks of one airing; whether it lacked anything."""
    slot = _facts_from_json(entry["slot"])
    items = [_facts_from_json(i) for i in entry["items"]]
    started_at, played = _when(entry["started_at"]), int(entry["played_ms"])
    outcome = entry["outcome"]
    row = session.scalar(select(AsRun).where(AsRun.station_id == station_id,
                                             AsRun.journal_key == key))
    if row is not None and row.ended_at is not None:
        return False  # the closing row got in before the previous run stopped
    changed = row is None or bool(outcome)
    if row is None:
        if outcome:
            row_id = asrun.closed_row(session, station_id, slot, AsRunStatus(outcome["status"]),
                                      started_at=started_at, ended_at=_when(outcome["ended_at"]),
                                      played_ms=played, outputs=outcome["outputs"],
                                      error=outcome["error"], journal_key=key)
        else:
            row_id = asrun.open_row(session, station_id, slot, started_at=started_at,
                                    outputs=entry["outputs"], track_progress=True, journal_key=key)
            marker = session.get(PlayoutProgress, row_id)
            marker.played_ms, marker.started_at = played, started_at
            marker.updated_at = _when(entry["updated_at"])
    else:
        row_id = row.id
        if started_at is not None and row.started_at is None:
            asrun.mark_started(session, row_id, started_at)
            changed = True
        marker = session.get(PlayoutProgress, row_id)
        if marker is not None and played > (marker.played_ms or 0):
            asrun.progress(session, row_id, played, _when(entry["updated_at"]))
            changed = True
        if outcome:
            asrun.close_row(session, row_id, AsRunStatus(outcome["status"]),
                            ended_at=_when(outcome["ended_at"]), played_ms=played,
                            outputs=outcome["outputs"], error=outcome["error"])
    if started_at is not None:
        final = AsRunStatus(outcome["item_status"]) if outcome else None
        _apply_items(session, station_id, row_id, slot, items, started_at, played, final,
                     (outcome or entry)["outputs"])
    if changed:
        log.warning("as-run of %s %s %s completed from the local journal: the database did not "
                    "take it before the previous run stopped", slot.trigger.value,
                    slot.slot_name or slot.title, slot.air_date)
    return changed


def _apply_items(session: Session, station_id: int, parent_id: int, slot: asrun.RowFacts,
                 items: list[asrun.RowFacts], started_at: datetime, played: int,
                 final: AsRunStatus | None, outputs: list[str]) -> None:
    """Write or close the item rows up to where the audio got.

    An item that aired whole is PLAYED; the one cut is closed with the outcome's item status, or
    left open (closing crashed rows then gives it its share) when the outcome is unknown.
    """
    existing = {r.offset_ms: r for r in session.scalars(select(AsRun).where(AsRun.parent_id == parent_id))}
    start_ms = slot.offset_ms or 0
    position = start_ms + played
    for item in items:
        offset, duration = item.offset_ms or 0, item.duration_ms or 0
        if offset > position or (offset == position and final is not None):
            continue
        whole = offset + duration <= position
        status = AsRunStatus.PLAYED if whole else final
        item_start = started_at + timedelta(milliseconds=offset - start_ms)
        aired = min(duration, position - offset)
        ended_at = item_start + timedelta(milliseconds=aired)
        row = existing.get(offset)
        if row is not None:
            if row.ended_at is None and status is not None:
                asrun.close_row(session, row.id, status, ended_at=ended_at, played_ms=aired,
                                outputs=outputs)
        elif status is not None:
            asrun.closed_row(session, station_id, replace(item, parent_id=parent_id), status,
                             started_at=item_start, ended_at=ended_at, played_ms=aired,
                             outputs=outputs)
        else:
            asrun.open_row(session, station_id, replace(item, parent_id=parent_id), started_at=item_start)
