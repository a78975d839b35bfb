"""Records passed out of the speech stage: a finished clip and why engines were skipped."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

SKIP_KINDS = ("unavailable", "failed", "resting")


@dataclass(frozen=True)
class SkipReason:
    """Why an engine earlier in the chain did not make the clip."""

    engine: str
    kind: str  # "unavailable" (cannot run here), "failed" (tried and failed), "resting"
    message: str  # Vietnamese, for the operator


@dataclass(frozen=True)
class Clip:
    """A finished, loudness-normalized MP3 clip and everything that produced it.

    ``skipped`` is the record made when the clip was synthesized; ``cached`` says whether this
    request was served from the cache without synthesis.
    """

    path: Path
    key: str
    text: str
    engine: str
    voice: str
    options: Mapping[str, Any]
    engine_version: str
    skipped: tuple[SkipReason, ...]
    duration_ms: int
    lufs: float
    true_peak: float
    cached: bool
