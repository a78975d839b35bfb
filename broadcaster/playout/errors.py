"""Errors of the playout stage."""

from broadcaster.errors import BroadcasterError


class PlayoutError(BroadcasterError):
    """Something cannot be aired or requested; the message says why, in Vietnamese."""
