"""The one error the reports raise on purpose."""

from broadcaster.errors import BroadcasterError


class ReportError(BroadcasterError):
    """A report cannot be made as asked (bad period, bad format, unwritable file)."""
