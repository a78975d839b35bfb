"""Dead air: silence longer than a threshold in a stream of PCM chunks (s16le, mono, 44.1 kHz).

`SilenceDetector` is plain data in, plain data out: feed it chunks and it tells, per chunk, when a
run of silence has just become dead air and when the sound came back. The playout pump feeds it
the audio it hands to the outputs; the off-air monitor feeds it what a sound input hears.
"""

from __future__ import annotations

import math
import sys
from array import array
from dataclasses import dataclass

SAMPLE_RATE = 44100
BYTES_PER_SAMPLE = 2
FULL_SCALE = 32768


def peak_dbfs(chunk: bytes) -> float:
    """The peak level of a chunk of s16le samples, in dBFS (-inf for digital silence)."""
    samples = array("h")
    samples.frombytes(chunk[: len(chunk) - len(chunk) % BYTES_PER_SAMPLE])
    if sys.byteorder == "big":
        samples.byteswap()
    peak = max((abs(s) for s in samples), default=0)
    return 20 * math.log10(peak / FULL_SCALE) if peak else -math.inf


@dataclass(frozen=True)
class Span:
    """A run of dead air: where it began (ms into the stream) and how long it lasted so far."""

    start_ms: int
    length_ms: int
    ongoing: bool


class SilenceDetector:
    """Count silent audio; report a span once it passes `threshold_seconds`, and its end."""

    def __init__(self, threshold_seconds: float, silence_dbfs: float, start_ms: int = 0):
        self.threshold_ms = int(threshold_seconds * 1000)
        self.silence_dbfs = silence_dbfs
        self.position_ms = start_ms
        self._silent_since: int | None = None
        self._reported = False
        self.spans: list[Span] = []

    @property
    def silent_ms(self) -> int:
        """How long the stream has been silent up to now (0 while it has sound)."""
        return 0 if self._silent_since is None else self.position_ms - self._silent_since

    def feed(self, chunk: bytes) -> Span | None:
        """Take one chunk; return a span when dead air has just begun or has just ended."""
        length_ms = len(chunk) * 1000 // (BYTES_PER_SAMPLE * SAMPLE_RATE)
        silent = peak_dbfs(chunk) < self.silence_dbfs
        start = self.position_ms
        self.position_ms += length_ms
        if silent:
            if self._silent_since is None:
                self._silent_since = start
            if not self._reported and self.position_ms - self._silent_since >= self.threshold_ms:
                self._reported = True
                span = Span(self._silent_since, self.position_ms - self._silent_since, True)
                self.spans.append(span)
                return span
            return None
        return self._end(start)

    def finish(self) -> Span | None:
        """The stream ended: close a span of dead air still running."""
        return self._end(self.position_ms)

    def _end(self, at_ms: int) -> Span | None:
        since, reported = self._silent_since, self._reported
        self._silent_since, self._reported = None, False
        if since is None or not reported:
            return None
        span = Span(since, at_ms - since, False)
        self.spans[-1] = span
        return span
