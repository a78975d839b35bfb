"""What the unattended station watches during one airing: dead air on the audio sent to the
outputs, and the amplifier's state when the airing began. Both are noted on the open as-run row
(`as_run.notes`), where the watcher (broadcaster.alerts) finds them.

The pump hands every chunk it gives the outputs to `feed` too; that only measures the chunk and,
twice per span of dead air at most, queues a write: the pump never waits for it.
"""

from __future__ import annotations

import logging
from typing import Callable

from sqlalchemy.orm import Session

from broadcaster.audio.silence import SilenceDetector, Span
from broadcaster.db.models import AsRun
from broadcaster.playout.dbwrite import Writer

log = logging.getLogger(__name__)


def add_note(session: Session, row_id: int, note: dict) -> None:
    """Put a note on an open as-run row, replacing an earlier note with the same id."""
    row = session.get(AsRun, row_id)
    if row is None or row.ended_at is not None:
        return  # a closed row is never changed (append-only)
    row.notes = [n for n in row.notes or [] if n.get("id") != note["id"]] + [note]


class AiringMonitor:
    def __init__(self, row_id: Callable[[], int | None], writer: Writer, label: str,
                 threshold_seconds: float, silence_dbfs: float, start_ms: int,
                 power: dict | None = None):
        self.row_id = row_id
        self.writer = writer
        self.label = label
        self.detector = SilenceDetector(threshold_seconds, silence_dbfs, start_ms)
        self._power = power
        self._failed = False

    def feed(self, chunk: bytes) -> None:
        """Called by the pump for every chunk it hands to the outputs; never raises."""
        if self._power is not None:
            note, self._power = {"id": "power", "kind": "power", **self._power}, None
            self._note(note)
        try:
            span = self.detector.feed(chunk)
        except Exception:  # measuring must never stop the audio
            if not self._failed:
                self._failed = True
                log.exception("dead-air detection of %s failed", self.label)
            return
        if span is not None:
            self._dead_air(span)

    def close(self) -> None:
        """The airing ended: close a span still running (queued before the row's closing)."""
        span = self.detector.finish()
        if span is not None:
            self._dead_air(span)

    def _dead_air(self, span: Span) -> None:
        if span.ongoing:
            log.warning("%s: dead air since %.1f s into the programme", self.label,
                        span.start_ms / 1000)
        self._note({"id": f"dead_air:{span.start_ms}", "kind": "dead_air",
                    "at_ms": span.start_ms, "ms": span.length_ms, "ongoing": span.ongoing})

    def _note(self, note: dict) -> None:
        row_id = self.row_id
        self.writer.submit(lambda s: (rid := row_id()) and add_note(s, rid, note),
                           f"note {note['id']} of {self.label}")


def monitor_factory(settings, writer: Writer, power: Callable[[], dict | None]):
    """What the daemon gives every playback: an AiringMonitor for its airing."""
    def make(playback) -> AiringMonitor:
        cue = playback.cue
        return AiringMonitor(lambda: playback.row_id, writer,
                             f"{cue.trigger.value} {cue.slot_name or cue.title} {cue.air_date}",
                             settings["alerts.dead_air_seconds"], settings["alerts.silence_dbfs"],
                             cue.start_ms, power())
    return make
