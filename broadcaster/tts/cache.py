"""The clip cache: finished MP3 clips keyed by a hash of everything that shapes their sound.

Layout: ``<folder>/<key[:2]>/<key>.mp3`` plus ``<key>.json`` beside it (what made the clip, its
measurements, size and SHA-256). Both are written to a temporary file in the same folder and
renamed. A hit is served only if the sidecar matches the MP3 byte for byte and ffmpeg still reads
the MP3 with the recorded duration; anything else is a miss, and the clip is made again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import asdict, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Mapping

from broadcaster.audio.errors import AudioError
from broadcaster.audio.ffmpeg import Measurement, probe
from broadcaster.audio.files import publish, sha256_file, temp_beside
from broadcaster.tts.records import Clip, SkipReason

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
DURATION_TOLERANCE_MS = 150
"""MP3 headers count the encoder's priming frames, so their duration runs ~25-50 ms long."""


def clip_key(text: str, engine: str, voice: str, options: Mapping[str, Any],
             engine_version: str, render: Mapping[str, Any]) -> str:
    """Hash spoken text, engine, voice, options, engine version and the loudness/MP3 settings."""
    payload = json.dumps({"format": CACHE_FORMAT, "text": text, "engine": engine, "voice": voice,
                          "options": dict(options), "engine_version": engine_version,
                          "render": dict(render)},
                         sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ClipCache:
    """Finished clips in one folder (the station home's ``cache/clips/``), passed in by the caller."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def paths(self, key: str) -> tuple[Path, Path]:
        """Return the MP3 and sidecar paths of a key."""
        base = self.folder / key[:2]
        return base / f"{key}.mp3", base / f"{key}.json"

    def get(self, key: str) -> Clip | None:
        """Return the clip for key if it is present and intact; otherwise None."""
        mp3, sidecar = self.paths(key)
        if not mp3.is_file() or not sidecar.is_file():
            return None
        problem = self._verify(key, mp3, sidecar)
        if problem:
            log.warning("clip cache: ignoring %s (%s); it will be made again", mp3.name, problem)
            return None
        try:
            clip = self._clip(key, mp3, json.loads(sidecar.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError) as exc:
            log.warning("clip cache: ignoring %s (bad sidecar: %s)", mp3.name, exc)
            return None
        return replace(clip, cached=True)

    def store(self, key: str, render: Callable[[Path], Measurement], *, text: str, engine: str,
              voice: str, options: Mapping[str, Any], engine_version: str,
              skipped: tuple[SkipReason, ...] = ()) -> Clip:
        """Make a clip with render(dest) (which must write dest atomically) and record it."""
        mp3, sidecar = self.paths(key)
        measurement = render(mp3)
        meta = {
            "format": CACHE_FORMAT, "key": key, "text": text,
            "engine": engine, "voice": voice, "options": dict(options),
            "engine_version": engine_version, "skipped": [asdict(s) for s in skipped],
            "duration_ms": measurement.duration_ms, "lufs": measurement.integrated_lufs,
            "true_peak": measurement.true_peak_dbtp,
            "size": mp3.stat().st_size, "sha256": sha256_file(mp3),
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        tmp = temp_beside(sidecar)
        try:
            tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
            publish(tmp, sidecar)
        finally:
            tmp.unlink(missing_ok=True)
        return self._clip(key, mp3, meta)

    @staticmethod
    def _clip(key: str, mp3: Path, meta: Mapping[str, Any]) -> Clip:
        return Clip(path=mp3, key=key, text=meta["text"], engine=meta["engine"],
                    voice=meta["voice"], options=meta["options"],
                    engine_version=meta["engine_version"],
                    skipped=tuple(SkipReason(**s) for s in meta["skipped"]),
                    duration_ms=int(meta["duration_ms"]), lufs=float(meta["lufs"]),
                    true_peak=float(meta["true_peak"]), cached=False)

    @staticmethod
    def _verify(key: str, mp3: Path, sidecar: Path) -> str | None:
        """Return what is wrong with a cached clip, or None when it can be served."""
        try:
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            return f"unreadable sidecar: {exc}"
        if not isinstance(meta, dict) or meta.get("format") != CACHE_FORMAT or meta.get("key") != key:
            return "sidecar of another format or key"
        needed = ("text", "engine", "voice", "options", "engine_version", "skipped",
                  "duration_ms", "lufs", "true_peak", "size", "sha256")
        if any(name not in meta for name in needed):
            return "incomplete sidecar"
        size = mp3.stat().st_size
        if size == 0 or size != meta["size"]:
            return f"size {size} instead of {meta['size']}"
        if sha256_file(mp3) != meta["sha256"]:
            return "content differs from the recorded SHA-256"
        try:
            info = probe(mp3)
        except AudioError as exc:
            return f"ffmpeg cannot read it: {exc}"
        if info is None or info.audio_codec != "mp3" or info.duration_s is None:
            return "ffmpeg does not see an MP3 audio stream"
        duration_ms = info.duration_s * 1000
        if not math.isclose(duration_ms, meta["duration_ms"], abs_tol=DURATION_TOLERANCE_MS):
            return f"duration {duration_ms:.0f} ms instead of {meta['duration_ms']} ms"
        return None
