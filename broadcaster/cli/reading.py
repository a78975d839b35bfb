"""CLI for the reading stage (filled in by the reading work)."""

COMMANDS: list = []
