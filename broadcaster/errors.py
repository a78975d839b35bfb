"""The project's exception hierarchy: every error we raise on purpose is a BroadcasterError.

Messages are written for the commune user (Vietnamese); they are shown as they are by the CLI and
the web page, so they must say what is wrong and what to do.
"""


class BroadcasterError(Exception):
    """Root of every error the station raises on purpose."""


class ConfigError(BroadcasterError):
    """A setting, the settings file or a schedule file is invalid."""


class ScriptFormatError(BroadcasterError):
    """A bulletin script file is malformed."""


class NotInitializedError(BroadcasterError):
    """The station home or database has not been created yet."""
