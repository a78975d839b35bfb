"""The pump: read decoded PCM and hand it to every output in real time.

Writing to an output only queues the chunk (each output drains its queue in its own thread), so the
pump's pace is set by the clock alone. A little audio is written ahead of real time so no output
starves between two wake-ups.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import BinaryIO, Callable, Sequence

from broadcaster.playout.outputs import Output
from broadcaster.playout.programme import BYTES_PER_MS, Prepared, ms_to_bytes

log = logging.getLogger(__name__)

CHUNK_MS = 20
LEAD_MS = 200

DONE, STOPPED, DEAD = "done", "stopped", "dead"


class Pump:
    """Play one prepared programme from `start_ms` to its end (or until stopped) on the outputs."""

    def __init__(self, prepared: Prepared, outputs: Sequence[Output], start_ms: int = 0,
                 tap: Callable[[bytes], None] | None = None):
        self.outputs = list(outputs)
        self.tap = tap  # sees every chunk handed to the outputs (dead-air detection, monitor.py)
        self.start_ms = min(start_ms, prepared.duration_ms)
        self.total_ms = prepared.duration_ms - self.start_ms
        self.result: str | None = None
        self.started_monotonic: float | None = None
        self.ended_monotonic: float | None = None
        self._stop = threading.Event()
        self._finished = threading.Event()
        self._file: BinaryIO = open(prepared.pcm_path, "rb")  # noqa: SIM115 (closed by the thread)
        self._file.seek(ms_to_bytes(self.start_ms))
        self._chunk = ms_to_bytes(CHUNK_MS)
        self._ahead = [self._file.read(self._chunk) for _ in range(LEAD_MS // CHUNK_MS)]
        self._ahead = [c for c in self._ahead if c]
        self._thread = threading.Thread(target=self._run, name="pump", daemon=True)

    def start(self) -> float:
        """Put the first audio on the outputs now and return the monotonic start time."""
        self.started_monotonic = time.monotonic()
        for chunk in self._ahead:
            for output in self.outputs:
                output.feed(chunk)
            if self.tap is not None:
                self.tap(chunk)
        self._sent = sum(len(c) for c in self._ahead)
        self._thread.start()
        return self.started_monotonic

    def stop(self) -> None:
        self._stop.set()

    def discard(self) -> None:
        """Give up before starting (interrupted while waiting for the instant)."""
        self._file.close()
        self.result = STOPPED
        self._finished.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the end; True once the pump has finished."""
        return self._finished.wait(timeout)

    def played_ms(self) -> int:
        """How much of the programme has aired so far (from `start_ms`)."""
        if self.started_monotonic is None:
            return 0
        end = self.ended_monotonic if self.ended_monotonic is not None else time.monotonic()
        elapsed = (end - self.started_monotonic) * 1000
        return int(max(0, min(elapsed, self._sent / BYTES_PER_MS, self.total_ms)))

    def position_ms(self) -> int:
        return self.start_ms + self.played_ms()

    def _run(self) -> None:
        assert self.started_monotonic is not None
        start = self.started_monotonic
        result = DONE
        try:
            while True:
                due = start + (self._sent / BYTES_PER_MS - LEAD_MS) / 1000
                delay = due - time.monotonic()
                if delay > 0 and self._stop.wait(delay):
                    result = STOPPED
                    break
                if self._stop.is_set():
                    result = STOPPED
                    break
                chunk = self._file.read(self._chunk)
                if not chunk:
                    # everything is queued: wait for the written-ahead audio to go out
                    if self._stop.wait(max(0.0, start + self._sent / BYTES_PER_MS / 1000
                                           - time.monotonic())):
                        result = STOPPED
                    break
                for output in self.outputs:
                    output.feed(chunk)
                if self.tap is not None:
                    self.tap(chunk)
                self._sent += len(chunk)
                if all(o.error is not None for o in self.outputs):
                    result = DEAD
                    break
        except OSError:
            log.exception("reading the decoded programme failed")
            result = DEAD
        finally:
            self._file.close()
            self.ended_monotonic = time.monotonic()
            if result == DEAD:
                failed = [o.failed_monotonic for o in self.outputs if o.failed_monotonic]
                self.ended_monotonic = min(self.ended_monotonic, max(failed, default=start))
            self.result = result
            self._finished.set()
