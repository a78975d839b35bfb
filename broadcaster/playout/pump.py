"""The pump: read decoded PCM and hand it to every output in real time.

Writing to an output only queues the chunk (each output drains its queue in its own thread), so the
pump's pace is set by the clock alone. A little audio is written ahead of real time so no output
starves between two wake-ups.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from array import array
from typing import BinaryIO, Callable, Sequence

from broadcaster.playout.outputs import Output
from broadcaster.playout.programme import BYTES_PER_MS, Prepared, ms_to_bytes

log = logging.getLogger(__name__)

CHUNK_MS = 20
LEAD_MS = 200
FADE_MS = 300  # a cut at a hard start fades out over this long

DONE, STOPPED, DEAD, CUT = "done", "stopped", "dead", "cut"


def faded(chunk: bytes, start_gain: float, end_gain: float) -> bytes:
    """A chunk of s16le mono with its gain ramped linearly from start_gain to end_gain."""
    samples = array("h")
    samples.frombytes(chunk)
    if sys.byteorder == "big":
        samples.byteswap()
    count = len(samples) or 1
    step = (end_gain - start_gain) / count
    for index, value in enumerate(samples):
        samples[index] = int(value * (start_gain + step * index))
    if sys.byteorder == "big":
        samples.byteswap()
    return samples.tobytes()


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
        self._fade_bytes = 0  # set by fade_out: the pump ends after this much more audio, fading
        self._faded = 0
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

    def fade_out(self, ms: int = FADE_MS) -> None:
        """End after `ms` more audio (beyond what is already ahead), fading it to silence."""
        if not self._fade_bytes:
            self._fade_bytes = max(ms_to_bytes(ms), self._chunk)

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

    def _fade(self, chunk: bytes) -> tuple[bytes, bool]:
        """The next chunk of a fade-out, and whether it is the last."""
        total = self._fade_bytes
        start = 1 - self._faded / total
        chunk = chunk[:total - self._faded]
        self._faded += len(chunk)
        return faded(chunk, start, 1 - self._faded / total), self._faded >= total

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
                last = False
                if chunk and self._fade_bytes:
                    chunk, last = self._fade(chunk)
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
                if last:  # faded out: wait for the written-ahead audio to go out
                    result = CUT
                    self._stop.wait(max(0.0, start + self._sent / BYTES_PER_MS / 1000
                                        - time.monotonic()))
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
