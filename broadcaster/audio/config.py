"""Read the audio settings (``audio.*``) into the audio stage's own records."""

from __future__ import annotations

from typing import Any, Mapping

from broadcaster.audio.loudness import LoudnessTarget
from broadcaster.audio.uploads import UploadLimits


def loudness_target(settings: Mapping[str, Any]) -> LoudnessTarget:
    """Return the station's loudness target with the configured MP3 bitrate."""
    return LoudnessTarget(bitrate=settings["audio.bitrate"])


def upload_limits(settings: Mapping[str, Any]) -> UploadLimits:
    """Return the configured size and length limits of uploaded recordings."""
    return UploadLimits.from_megabytes_minutes(settings["audio.upload_max_mb"],
                                               settings["audio.upload_max_minutes"])


def gap_ms(settings: Mapping[str, Any]) -> int:
    """Return the silence between programme parts, in milliseconds."""
    return round(float(settings["audio.gap_seconds"]) * 1000)

