"""Errors of the audio stage: one type for processing, one for rejected uploads."""

from broadcaster.errors import BroadcasterError


class AudioError(BroadcasterError):
    """Audio could not be decoded, measured, normalized or encoded."""


class UploadError(AudioError):
    """An uploaded recording was rejected; the message says why, in Vietnamese."""
