"""The fallback chain: serve a cached clip if any engine has one, else try engines in order."""

from __future__ import annotations

import logging
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Callable, Sequence

from broadcaster.audio.errors import AudioError
from broadcaster.audio.ffmpeg import Measurement
from broadcaster.audio.loudness import LoudnessTarget, normalize_to_mp3
from broadcaster.tts.base import Engine
from broadcaster.tts.cache import ClipCache, clip_key
from broadcaster.tts.errors import SpeechError
from broadcaster.tts.records import Clip, SkipReason

log = logging.getLogger(__name__)

REST_SECONDS = 300.0
"""After a passing failure (network, busy server) an engine rests this long before a new try."""


def spoken_form(text: str) -> str:
    """Return the text as the engines receive it and the cache hashes it: NFC, trimmed."""
    return unicodedata.normalize("NFC", text).strip()


class SpeechChain:
    """Engines in order of preference, one clip cache and one loudness target.

    A clip already made by any engine of the chain is served first, without synthesis: a text
    reads the same every time it airs, and a station offline today does not wait for Google
    timeouts before reusing yesterday's clip. Otherwise engines are tried in order; one that
    fails for a passing reason (network) rests for ``rest_seconds`` in this process.
    """

    def __init__(self, engines: Sequence[Engine], cache: ClipCache,
                 target: LoudnessTarget = LoudnessTarget(), *,
                 rest_seconds: float = REST_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        if not engines:
            raise SpeechError("Chưa chọn bộ đọc nào (tts.engines đang trống).")
        self.engines = list(engines)
        self.cache = cache
        self.target = target
        self.rest_seconds = rest_seconds
        self._clock = clock
        self._resting_until: dict[str, float] = {}

    def speak(self, text: str) -> Clip:
        """Return a clip of text: from the cache if any engine has it, else the first that works."""
        spoken = self._checked(text)
        ready, skipped = self._ready(spoken)
        for _, _, key in ready:
            hit = self.cache.get(key)
            if hit is not None:
                log.debug("clip %s served from cache", key[:12])
                return hit
        order = {engine.name: index for index, engine in enumerate(self.engines)}
        for engine, version, key in ready:
            reason = self._rest_reason(engine)
            if reason:
                skipped.append(reason)
                continue
            earlier = tuple(sorted((s for s in skipped if order[s.engine] < order[engine.name]),
                                   key=lambda s: order[s.engine]))
            try:
                return self._make(engine, spoken, key, version, earlier)
            except SpeechError as exc:
                self._note_failure(engine, exc)
                skipped.append(SkipReason(engine.name, "failed", str(exc)))
        skipped.sort(key=lambda s: order[s.engine])
        raise SpeechError("Không tạo được bản đọc bằng bộ đọc nào. "
                          + " ".join(f"[{s.engine}] {s.message}" for s in skipped))

    def cache_keys(self, text: str) -> list[str]:
        """The keys under which this chain would find a clip of text, in order of preference
        (one per engine that can run here). A clip is the text's clip only under one of them."""
        return [key for _, _, key in self._ready(self._checked(text))[0]]

    @staticmethod
    def _checked(text: str) -> str:
        spoken = spoken_form(text)
        if not spoken:
            raise SpeechError("Không có chữ nào để đọc.")
        return spoken

    def _ready(self, spoken: str) -> tuple[list[tuple[Engine, str, str]], list[SkipReason]]:
        """The engines that can run here with their version and key for the text, and why the
        others cannot."""
        ready: list[tuple[Engine, str, str]] = []
        skipped: list[SkipReason] = []
        for engine in self.engines:
            try:
                engine.check()
                version = engine.version()
            except SpeechError as exc:
                skipped.append(SkipReason(engine.name, "unavailable", str(exc)))
                continue
            ready.append((engine, version, self.key_for(spoken, engine, version)))
        return ready, skipped

    def key_for(self, text: str, engine: Engine, version: str) -> str:
        """Return the cache key of text read by engine (text as given to the engine)."""
        return clip_key(text, engine.name, engine.voice, engine.options, version,
                        self.target.describe())

    def _make(self, engine: Engine, text: str, key: str, version: str,
              skipped: tuple[SkipReason, ...]) -> Clip:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix=f"broadcaster-{engine.name}-") as work:
            raw = engine.synthesize(text, Path(work))

            def render(dest: Path) -> Measurement:
                try:
                    return normalize_to_mp3(raw, dest, self.target)
                except AudioError as exc:
                    raise SpeechError(f"Âm thanh của {engine.name} không dùng được: {exc}") from None

            clip = self.cache.store(key, render, text=text, engine=engine.name,
                                    voice=engine.voice, options=engine.options,
                                    engine_version=version, skipped=skipped)
        log.info("clip %s made by %s in %.1f s (%d ms of audio)", key[:12], engine.name,
                 time.perf_counter() - started, clip.duration_ms)
        return clip

    def _rest_reason(self, engine: Engine) -> SkipReason | None:
        until = self._resting_until.get(engine.name)
        if until is None:
            return None
        left = until - self._clock()
        if left <= 0:
            del self._resting_until[engine.name]
            return None
        return SkipReason(engine.name, "resting",
                          f"vừa lỗi kết nối, tạm nghỉ thêm {left:.0f} giây trước khi thử lại.")

    def _note_failure(self, engine: Engine, exc: SpeechError) -> None:
        log.info("engine %s failed: %s", engine.name, exc)
        if exc.transient and self.rest_seconds > 0:
            self._resting_until[engine.name] = self._clock() + self.rest_seconds
