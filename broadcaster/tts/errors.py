"""The one exception every speech engine and the fallback chain raise."""

from broadcaster.errors import BroadcasterError


class SpeechError(BroadcasterError):
    """Text could not be turned into a clip; the message says why, in Vietnamese.

    ``transient`` marks failures that may pass on their own (network down, server busy): the
    chain then rests that engine for a while instead of retrying it for every clip.
    """

    def __init__(self, message: str, *, transient: bool = False):
        super().__init__(message)
        self.transient = transient
