"""Station system for Vietnamese commune radio."""

__version__ = "0.1.0"
